from django.test import RequestFactory

from real_estate import views
from real_estate.models import Agency, Agent, Listing, Photo

rf = RequestFactory()


def seed(n):
    for i in range(n):
        ag = Agency.objects.create(name="Agency%d" % i)
        a = Agent.objects.create(agency=ag, name="Agent%d" % i, phone="1")
        l = Listing.objects.create(agent=a, title="L%d" % i, price=100000 * (i + 1), lat=1, lng=2, bedrooms=3)
        Photo.objects.create(listing=l, url="http://x/%d.jpg" % i)
    return {}


def search(n, d):
    view = views.ListingSearchView()
    view.setup(rf.get("/search/", {"max_price": "99999999", "bedrooms": "2"}))
    view.object_list = view.get_queryset()
    return view.get_context_data()


SCENARIOS = {
    "markers": lambda n, d: views.map_markers(rf.get("/")),
    "histogram": lambda n, d: views.price_histogram(rf.get("/")),
    "search": search,
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match="cover = listing.photos.first()", code="EG101",
         why="first() on reverse FK photos per listing"),
]
NEGATIVES = [
    dict(file="views.py", match='markers.append({"id": row["id"], "pos": [row["lat"], row["lng"]], "agent": row["agent__name"]})',
         why="values() rows incl. agent__name"),
    dict(file="views.py", match="buckets[int(price) // 100_000 * 100_000] += 1", why="values_list() tuples"),
    dict(file="views.py", match='"agency": listing.agent.agency.name,',
         why="select_related('agent__agency') applied at the end of the conditional queryset chain"),
    dict(file="views.py", match='"agent_phone": listing.agent.phone,', why="select_related('agent__agency') covers agent"),
]
