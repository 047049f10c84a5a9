import datetime

from django.utils import timezone
from rest_framework.test import APIRequestFactory

from podcast_host import api, ingest
from podcast_host.models import Episode, Guest, Host, Show

from ._util import users

arf = APIRequestFactory()


def seed(n):
    us = users(n + 1, "pod")
    big = Show.objects.create(owner=us[0], title="Big Show", slug="big")
    rows = []
    for i in range(n):
        h = Host.objects.create(user=us[i + 1], display_name=f"H{i}", bio="x" * 200)
        s = Show.objects.create(owner=us[i + 1], title=f"S{i}", slug=f"s{i}")
        s.hosts.add(h)
        big.hosts.add(h)
        g = Guest.objects.create(name=f"G{i}")
        e = Episode.objects.create(show=big, number=i + 1, title="t", published_at=timezone.now(),
                                   audio_url=f"https://cdn.example/{i}.mp3")
        e.guests.add(g)
        rows.append({"audio_url": e.audio_url, "day": datetime.date.today(), "count": 3})
    return {"rows": rows}


SCENARIOS = [
    ("show", lambda c: api.ShowEpisodesView.as_view()(arf.get("/"), slug="big").render()),
    ("latest", lambda c: api.LatestEpisodesView.as_view()(arf.get("/", {"limit": 100})).render()),
    ("hosts", lambda c: api.HostStatsView.as_view()(arf.get("/")).render()),
    ("directory", lambda c: api.HostDirectoryView.as_view()(arf.get("/")).render()),
    ("ingest", lambda c: ingest.ingest_downloads(c["rows"])),
    ("resolve", lambda c: ingest.resolve_episode_ids([r["audio_url"] for r in c["rows"]])),
]

EXPECT = [
    ("api.py", '"title": ep.full_title,', "EG101",
     "Episode.full_title reads self.show; Episode.objects queryset has no select_related('show')", 2),
    ("api.py", '"guests": ep.guest_names,', "EG101",
     "Episode.guest_names iterates self.guests (M2M) with no prefetch in LatestEpisodesView", 2),
    ("api.py", 'out.append({"name": host.display_name, "teaser": host.bio[:80]})', "EG101",
     "bio is deferred via .defer('bio'); reading it loads the field per host"),
    ("ingest.py", 'return [Episode.objects.filter(audio_url=url).values_list("pk", flat=True).first() for url in urls]', "EG102",
     "one query per URL in the comprehension"),
]

NEGATIVES = [
    ("api.py", '"title": ep.full_title,', "episodes come from show.episodes: the reverse manager caches show on each row, so full_title does not query", 1),
    ("api.py", '"guests": ep.guest_names,', "guests prefetched; guest_names uses .all()", 1),
    ("api.py", '"downloads": ep.total_downloads or 0,', "Sum annotation"),
    ("api.py", '"username": host.user.username,', "select_related('user')"),
    ("api.py", '"shows": [{"title": s.title, "episodes": s.n_episodes} for s in host.shows.all()],',
     "Prefetch('shows', queryset=annotated) then .all()"),
    ("ingest.py", 'episode = episodes.get(row["audio_url"])', "dict built with one IN query before the loop"),
]
