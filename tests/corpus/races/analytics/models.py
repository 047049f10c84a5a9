from django.db import models
from django.urls import reverse


class Article(models.Model):
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    body = models.TextField()
    view_count = models.PositiveBigIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})


class DailyPageView(models.Model):
    path = models.CharField(max_length=500)
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["path", "date"], name="analytics_unique_path_day")
        ]
