from collections import defaultdict

from django.db.models import Prefetch

from .models import Album, Photo


def album_photo_counts(owner):
    albums = Album.objects.filter(owner=owner)
    return {album.pk: album.photos.count() for album in albums}


def storage_used(owner):
    return sum(photo.size_bytes for photo in Photo.objects.filter(album__owner=owner))


def recent_upload_captions(owner, since):
    photos = Photo.objects.filter(album__owner=owner, uploaded__gte=since).order_by("-uploaded")
    return ", ".join(f"{photo.title} ({photo.album.title})" for photo in photos)


def photos_grouped_by_album(owner):
    groups = defaultdict(list)
    for photo in Photo.objects.filter(album__owner=owner):
        groups[photo.album_id].append(photo.title)
    return dict(groups)


def empty_albums(owner):
    empty = []
    for album in Album.objects.filter(owner=owner):
        if not Photo.objects.filter(album=album, size_bytes__gt=0):
            empty.append(album.title)
    return empty


def public_album_covers():
    albums = Album.objects.filter(is_public=True).prefetch_related(
        Prefetch("photos", queryset=Photo.objects.order_by("uploaded"), to_attr="ordered_photos")
    )
    covers = {}
    for album in albums:
        covers[album.title] = album.ordered_photos[0].title if album.ordered_photos else None
    return covers
