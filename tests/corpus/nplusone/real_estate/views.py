from collections import Counter

from django.http import JsonResponse
from django.views.generic import ListView

from .models import Listing


def map_markers(request):
    rows = Listing.objects.filter(is_active=True).values("id", "lat", "lng", "price", "agent__name")
    markers = []
    for row in rows:
        markers.append({"id": row["id"], "pos": [row["lat"], row["lng"]], "agent": row["agent__name"]})
    return JsonResponse({"markers": markers})


def price_histogram(request):
    buckets = Counter()
    for listing_id, price in Listing.objects.filter(is_active=True).values_list("id", "price"):
        buckets[int(price) // 100_000 * 100_000] += 1
    return JsonResponse({str(k): v for k, v in sorted(buckets.items())})


class ListingSearchView(ListView):
    template_name = "listings/search.html"

    def get_queryset(self):
        qs = Listing.objects.filter(is_active=True)
        max_price = self.request.GET.get("max_price")
        if max_price:
            qs = qs.filter(price__lte=max_price)
        bedrooms = self.request.GET.get("bedrooms")
        if bedrooms:
            qs = qs.filter(bedrooms__gte=bedrooms)
        return qs.select_related("agent__agency").order_by("price")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = []
        for listing in context["object_list"]:
            cover = listing.photos.first()
            results.append(
                {
                    "title": listing.title,
                    "agency": listing.agent.agency.name,
                    "agent_phone": listing.agent.phone,
                    "cover": cover.url if cover else None,
                }
            )
        context["results"] = results
        return context
