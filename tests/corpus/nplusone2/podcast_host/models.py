from django.conf import settings
from django.db import models


class Network(models.Model):
    name = models.CharField(max_length=100)


class Host(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_profile")
    display_name = models.CharField(max_length=100)
    bio = models.TextField(blank=True)


class Guest(models.Model):
    name = models.CharField(max_length=100)
    website = models.URLField(blank=True)


class Show(models.Model):
    network = models.ForeignKey(Network, null=True, blank=True, on_delete=models.SET_NULL, related_name="shows")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_shows")
    hosts = models.ManyToManyField(Host, related_name="shows", blank=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    explicit = models.BooleanField(default=False)


class Episode(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    published_at = models.DateTimeField(null=True, blank=True)
    duration_s = models.PositiveIntegerField(default=0)
    audio_url = models.URLField(unique=True)
    guests = models.ManyToManyField(Guest, related_name="appearances", blank=True)

    class Meta:
        unique_together = [("show", "number")]

    @property
    def full_title(self):
        return f"{self.show.title} #{self.number}: {self.title}"

    @property
    def guest_names(self):
        return ", ".join(g.name for g in self.guests.all())


class DownloadStat(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="downloads")
    day = models.DateField()
    country = models.CharField(max_length=2, blank=True)
    count = models.PositiveIntegerField(default=0)
