from django.db import models
from django.db.models import Count, Sum


class Publisher(models.Model):
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    verified = models.BooleanField(default=False)


class License(models.Model):
    spdx_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    osi_approved = models.BooleanField(default=False)


class Tag(models.Model):
    slug = models.SlugField(unique=True)


class DatasetQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Dataset.PUBLIC)

    def for_listing(self):
        return self.select_related("publisher", "license").prefetch_related("tags")

    def with_stats(self):
        return self.annotate(n_versions=Count("versions", distinct=True), downloads=Sum("versions__download_count"))


class Dataset(models.Model):
    PUBLIC = "public"
    PRIVATE = "private"

    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="datasets")
    license = models.ForeignKey(License, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(max_length=255)
    slug = models.SlugField(unique=True)
    visibility = models.CharField(max_length=10, default=PUBLIC)
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets")
    created = models.DateTimeField(auto_now_add=True)

    objects = DatasetQuerySet.as_manager()

    def latest_version(self):
        return self.versions.order_by("-released").first()


class DatasetVersion(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    semver = models.CharField(max_length=20)
    released = models.DateTimeField()
    size_bytes = models.BigIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_versions")


class DataFile(models.Model):
    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=500)
    checksum = models.CharField(max_length=64)
    format = models.CharField(max_length=20)
