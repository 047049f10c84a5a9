from django.db.models import Prefetch

from .models import Revision


def recent_changes(space):
    newest_first = Prefetch(
        "revisions",
        queryset=Revision.objects.select_related("editor").order_by("-created"),
        to_attr="revision_list",
    )
    changes = []
    for article in space.articles.prefetch_related(newest_first):
        if not article.revision_list:
            continue
        newest = article.revision_list[0]
        changes.append(
            {
                "article": article.title,
                "editor": newest.editor.username,
                "summary": newest.summary,
                "at": newest.created,
            }
        )
    return changes


def contributors_by_article(space):
    result = {}
    for article in space.articles.prefetch_related("revisions"):
        names = set()
        for revision in article.revisions.all():
            names.add(revision.editor.username)
        result[article.slug] = sorted(names)
    return result


def stale_articles(space, cutoff):
    stale = []
    for article in space.articles.all():
        latest = article.revisions.latest()
        if latest.created < cutoff:
            stale.append(article.slug)
    return stale
