from django.conf import settings
from django.db import models


class Desk(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(unique=True)


class Story(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft"
        EDITING = "editing"
        LEGAL = "legal"
        SCHEDULED = "scheduled"
        PUBLISHED = "published"
        KILLED = "killed"

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="stories")
    slug = models.SlugField(max_length=200)
    headline = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    page_views = models.PositiveBigIntegerField(default=0)
    word_count = models.PositiveIntegerField(default=0)
    publish_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)


class Byline(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=30, default="reporter")


class Correction(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)


class WireItem(models.Model):
    agency = models.CharField(max_length=20)
    agency_id = models.CharField(max_length=80)
    headline = models.CharField(max_length=300)
    body = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
