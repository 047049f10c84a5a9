from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Artwork, Collection, Exhibition


class ArtworkSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Artwork.objects.filter(on_display=True).select_related("collection").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ExhibitionSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Exhibition.objects.annotate(last_change=Max("exhibitionitem__added_at")).order_by("-opens")

    def location(self, obj):
        return reverse("museum:exhibition", args=[obj.slug])

    def lastmod(self, obj):
        return obj.last_change


class CollectionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Collection.objects.order_by("name")

    def lastmod(self, obj):
        return Artwork.objects.filter(collection=obj).aggregate(latest=Max("updated_at"))["latest"]


sitemaps = {"artworks": ArtworkSitemap, "exhibitions": ExhibitionSitemap, "collections": CollectionSitemap}
