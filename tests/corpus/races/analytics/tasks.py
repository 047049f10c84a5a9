from datetime import date

from celery import shared_task
from django.db.models import F, Sum

from .models import Article, DailyPageView


@shared_task(ignore_result=True)
def record_article_view(article_id):
    article = Article.objects.only("id", "view_count").get(pk=article_id)
    article.view_count += 1
    article.save(update_fields=["view_count"])


@shared_task(ignore_result=True)
def record_share(article_id):
    Article.objects.filter(pk=article_id).update(share_count=F("share_count") + 1)


@shared_task(ignore_result=True)
def record_page_view(path, day_iso):
    day = date.fromisoformat(day_iso)
    if not DailyPageView.objects.filter(path=path, date=day).exists():
        DailyPageView.objects.create(path=path, date=day, views=1)
    else:
        DailyPageView.objects.filter(path=path, date=day).update(views=F("views") + 1)


@shared_task
def rebuild_article_counts():
    """Nightly: recompute denormalised counters from the daily rollups."""
    rebuilt = 0
    for article in Article.objects.only("id", "slug", "view_count"):
        total = (
            DailyPageView.objects.filter(path=article.get_absolute_url())
            .aggregate(total=Sum("views"))["total"]
            or 0
        )
        if total != article.view_count:
            article.view_count = total
            article.save(update_fields=["view_count"])
            rebuilt += 1
    return rebuilt
