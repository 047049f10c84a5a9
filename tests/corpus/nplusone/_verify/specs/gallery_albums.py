import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from gallery_albums import services
from gallery_albums.models import Album, Photo


def seed(n):
    u = User.objects.create(username="ansel")
    for i in range(n):
        a = Album.objects.create(owner=u, title="A%d" % i, is_public=True)
        Photo.objects.create(album=a, title="p%d" % i, size_bytes=100)
    return {"u": u, "since": timezone.now() - datetime.timedelta(days=1)}


SCENARIOS = {
    "counts": lambda n, d: services.album_photo_counts(d["u"]),
    "storage": lambda n, d: services.storage_used(d["u"]),
    "captions": lambda n, d: services.recent_upload_captions(d["u"], d["since"]),
    "grouped": lambda n, d: services.photos_grouped_by_album(d["u"]),
    "empty": lambda n, d: services.empty_albums(d["u"]),
    "covers": lambda n, d: services.public_album_covers(),
}

# ---- labels ----
POSITIVES = [
    dict(file="services.py", match="return {album.pk: album.photos.count() for album in albums}", code="EG101",
         why="reverse FK count per album in dict comprehension"),
    dict(file="services.py", match='return ", ".join(f"{photo.title} ({photo.album.title})" for photo in photos)', code="EG101",
         why="album FK loaded per photo in generator expression"),
    dict(file="services.py", match="if not Photo.objects.filter(album=album, size_bytes__gt=0):", code="EG102",
         why="queryset evaluated (truthiness) per album"),
]
NEGATIVES = [
    dict(file="services.py", match="return sum(photo.size_bytes for photo in Photo.objects.filter(album__owner=owner))",
         why="plain field in generator"),
    dict(file="services.py", match="groups[photo.album_id].append(photo.title)", why="FK id attribute"),
    dict(file="services.py", match="covers[album.title] = album.ordered_photos[0].title if album.ordered_photos else None",
         why="Prefetch(..., to_attr='ordered_photos')"),
]
