from rest_framework import serializers

from .models import Report


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "title", "status", "created"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["ward"] = instance.ward.name
        data["category"] = instance.category.name
        data["photos"] = [photo.url for photo in instance.photos.all()]
        data["watchers"] = self.context["watch_counts"].get(instance.pk, 0)
        data["last_changed_by"] = instance.history.latest().changed_by.get_username()
        return data
