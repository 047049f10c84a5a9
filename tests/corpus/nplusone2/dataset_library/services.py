from datetime import timedelta

from django.utils import timezone

from .models import DatasetVersion


def recently_released(days=30):
    since = timezone.now() - timedelta(days=days)
    versions = DatasetVersion.objects.filter(released__gte=since).only("semver", "dataset_id").order_by("-released")
    return [f"{v.dataset.title} {v.semver}" for v in versions]


def release_notes_index():
    versions = DatasetVersion.objects.select_related("dataset", "previous").order_by("dataset_id", "released")
    notes = {}
    for v in versions:
        prev = v.previous.semver if v.previous else None
        notes.setdefault(v.dataset.slug, []).append((prev, v.semver))
    return notes
