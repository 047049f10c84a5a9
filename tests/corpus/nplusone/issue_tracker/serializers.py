from rest_framework import serializers

from .models import Issue


class IssueSerializer(serializers.ModelSerializer):
    project_key = serializers.CharField(source="project.key", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    labels = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    comment_count = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = ["id", "project_key", "title", "status", "assignee", "labels", "comment_count", "created"]

    def get_comment_count(self, obj):
        return obj.comments.count()
