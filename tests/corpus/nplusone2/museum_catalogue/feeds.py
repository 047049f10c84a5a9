from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Artwork


class NewAcquisitionsFeed(Feed):
    title = "Recent acquisitions"
    link = "/acquisitions/"
    description = "Works recently added to the permanent collection."

    def items(self):
        return Artwork.objects.select_related("artist").order_by("-acquired_on")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        artist = item.artist.name if item.artist else "Unknown artist"
        return f"{item.medium}. {artist}"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.acquired_on


class NewAcquisitionsAtomFeed(NewAcquisitionsFeed):
    feed_type = Atom1Feed
    subtitle = NewAcquisitionsFeed.description
