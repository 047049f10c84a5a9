from datetime import date

from django import template

from ..models import Exhibition

register = template.Library()


@register.inclusion_tag("museum_catalogue/_exhibition_cards.html")
def current_exhibitions(limit=5):
    today = date.today()
    exhibitions = Exhibition.objects.filter(opens__lte=today, closes__gte=today).prefetch_related("artworks__artist")
    cards = []
    for ex in exhibitions.order_by("closes")[:limit]:
        artists = sorted({work.artist.name for work in ex.artworks.all() if work.artist_id})
        highlights = [work.title for work in ex.artworks.all()[:3]]
        cards.append({"title": ex.title, "artists": artists, "highlights": highlights})
    return {"cards": cards}


@register.simple_tag
def credit_lines(collection):
    lines = []
    for artwork in collection.artworks.all():
        primary = next((img for img in artwork.images.all() if img.is_primary), None)
        if primary is not None:
            lines.append(f"{artwork.accession_number}: {primary.credit}")
    return "\n".join(lines)
