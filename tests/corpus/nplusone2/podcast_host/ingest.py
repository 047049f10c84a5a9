"""Import nightly CDN download logs."""
from .models import DownloadStat, Episode


def ingest_downloads(rows):
    urls = {row["audio_url"] for row in rows}
    episodes = {ep.audio_url: ep for ep in Episode.objects.filter(audio_url__in=urls)}
    stats = []
    for row in rows:
        episode = episodes.get(row["audio_url"])
        if episode is None:
            continue
        stats.append(DownloadStat(episode=episode, day=row["day"], country=row.get("country", ""), count=row["count"]))
    DownloadStat.objects.bulk_create(stats)
    return len(stats)


def resolve_episode_ids(urls):
    return [Episode.objects.filter(audio_url=url).values_list("pk", flat=True).first() for url in urls]
