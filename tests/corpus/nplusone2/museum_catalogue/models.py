from django.db import models
from django.urls import reverse
from django.utils import timezone


class Collection(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    curator = models.CharField(max_length=120, blank=True)

    def get_absolute_url(self):
        return reverse("museum:collection", args=[self.slug])


class Artist(models.Model):
    name = models.CharField(max_length=200)
    born = models.PositiveSmallIntegerField(null=True, blank=True)
    died = models.PositiveSmallIntegerField(null=True, blank=True)
    nationality = models.CharField(max_length=60, blank=True)

    @property
    def lifespan(self):
        return f"{self.born or '?'}\u2013{self.died or ''}"


class Artwork(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="artworks")
    artist = models.ForeignKey(Artist, null=True, blank=True, on_delete=models.SET_NULL, related_name="works")
    title = models.CharField(max_length=255)
    slug = models.SlugField()
    accession_number = models.CharField(max_length=30, unique=True)
    medium = models.CharField(max_length=120, blank=True)
    acquired_on = models.DateTimeField(default=timezone.now)
    on_display = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def get_absolute_url(self):
        return reverse("museum:artwork", kwargs={"collection": self.collection.slug, "slug": self.slug})


class Image(models.Model):
    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="images")
    path = models.CharField(max_length=255)
    is_primary = models.BooleanField(default=False)
    credit = models.CharField(max_length=255, blank=True)


class Exhibition(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    opens = models.DateField()
    closes = models.DateField()
    artworks = models.ManyToManyField(Artwork, through="ExhibitionItem", related_name="exhibitions")


class ExhibitionItem(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE)
    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE)
    room = models.CharField(max_length=20, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
