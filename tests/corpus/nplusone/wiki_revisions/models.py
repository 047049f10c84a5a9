from django.conf import settings
from django.db import models


class Space(models.Model):
    key = models.SlugField(unique=True)
    name = models.CharField(max_length=100)


class Article(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=200)
    slug = models.SlugField()

    class Meta:
        unique_together = [("space", "slug")]


class Revision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wiki_revisions")
    content = models.TextField()
    summary = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField()

    class Meta:
        get_latest_by = "created"
