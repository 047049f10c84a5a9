from rest_framework import serializers

from .models import Comment, Ticket


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created"]


class TicketListSerializer(serializers.ModelSerializer):
    queue = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requester = serializers.CharField(source="requester.email", read_only=True)
    organization = serializers.SerializerMethodField()
    labels = serializers.SerializerMethodField()
    last_public_comment = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "subject", "status", "priority", "queue", "requester", "organization", "labels", "last_public_comment"]

    def get_organization(self, obj):
        org = obj.requester.organization
        return org.name if org else None

    def get_labels(self, obj):
        return [label.name for label in obj.labels.all()]

    def get_last_public_comment(self, obj):
        comments = getattr(obj, "public_comments", None)
        if not comments:
            return None
        return CommentSerializer(comments[-1]).data
