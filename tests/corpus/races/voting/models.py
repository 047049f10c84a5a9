from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Poll(models.Model):
    question = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("polls:detail", kwargs={"slug": self.slug})

    @property
    def is_open(self):
        now = timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)


class Choice(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=200)
    votes = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.text


class Vote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = ("poll", "user")
