import datetime
import types

from museum_catalogue.feeds import NewAcquisitionsFeed
from museum_catalogue.models import Artist, Artwork, Collection, Exhibition, ExhibitionItem, Image
from museum_catalogue.sitemaps import ArtworkSitemap, CollectionSitemap, ExhibitionSitemap
from museum_catalogue.templatetags import museum_tags

from ._util import get

SITE = types.SimpleNamespace(domain="museum.example", name="Museum")


def seed(n):
    today = datetime.date.today()
    big = None
    for i in range(n):
        col = Collection.objects.create(name=f"C{i}", slug=f"c{i}")
        big = big or col
        art = Artist.objects.create(name=f"Artist {i}")
        ex = Exhibition.objects.create(title=f"Ex {i}", slug=f"ex{i}", opens=today - datetime.timedelta(days=1),
                                       closes=today + datetime.timedelta(days=30))
        for j in range(2):
            w = Artwork.objects.create(collection=col, artist=art, title=f"W{i}{j}", slug=f"w{i}{j}",
                                       accession_number=f"A{i}.{j}", on_display=True)
            ExhibitionItem.objects.create(exhibition=ex, artwork=w)
    for j in range(n):
        w = Artwork.objects.create(collection=big, title=f"Big{j}", slug=f"big{j}", accession_number=f"B.{j}")
        Image.objects.create(artwork=w, path="x.jpg", is_primary=True, credit="Gift")
    return {"collection": big}


def _feed(c):
    NewAcquisitionsFeed()(get("/acquisitions/rss/"))


def _sitemaps(c):
    for cls in (ArtworkSitemap, ExhibitionSitemap, CollectionSitemap):
        cls().get_urls(site=SITE, protocol="https")


def _tags(c):
    museum_tags.current_exhibitions(limit=50)
    museum_tags.credit_lines(c["collection"])


SCENARIOS = [("feed", _feed), ("sitemaps", _sitemaps), ("tags", _tags)]

EXPECT = [
    ("feeds.py", "return item.get_absolute_url()", "EG101",
     "Artwork.get_absolute_url reads self.collection.slug; Feed.items() only select_related('artist'), so one Collection query per feed item (per-item hook called by the feed loop)"),
    ("sitemaps.py", 'return Artwork.objects.filter(collection=obj).aggregate(latest=Max("updated_at"))["latest"]', "EG102",
     "CollectionSitemap.lastmod runs an aggregate query for every collection listed in the sitemap"),
    ("templatetags/museum_tags.py", "primary = next((img for img in artwork.images.all() if img.is_primary), None)", "EG101",
     "artwork.images reverse FK evaluated per artwork without prefetch"),
]

NEGATIVES = [
    ("feeds.py", 'artist = item.artist.name if item.artist else "Unknown artist"', "artist select_related in items()"),
    ("sitemaps.py", 'return Artwork.objects.filter(on_display=True).select_related("collection")',
     "default Sitemap.location calls get_absolute_url, which reads collection: select_related covers it"),
    ("sitemaps.py", "return obj.last_change", "Max annotation in items()"),
    ("sitemaps.py", 'return reverse("museum:exhibition", args=[obj.slug])', "plain field"),
    ("templatetags/museum_tags.py", "artists = sorted({work.artist.name for work in ex.artworks.all() if work.artist_id})",
     "prefetch_related('artworks__artist') then .all()"),
    ("templatetags/museum_tags.py", "highlights = [work.title for work in ex.artworks.all()[:3]]",
     "slicing a prefetched .all() slices the cached list; no query"),
    ("templatetags/museum_tags.py", "lines.append(f\"{artwork.accession_number}: {primary.credit}\")", "plain fields"),
]
