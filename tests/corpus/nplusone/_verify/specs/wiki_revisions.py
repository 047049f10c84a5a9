import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from wiki_revisions import services
from wiki_revisions.models import Article, Revision, Space


def seed(n):
    s = Space.objects.create(key="eng", name="Engineering")
    now = timezone.now()
    for i in range(n):
        u = User.objects.create(username="ed%d" % i)
        a = Article.objects.create(space=s, title="A%d" % i, slug="a%d" % i)
        Revision.objects.create(article=a, editor=u, content="x", created=now - datetime.timedelta(days=400))
        Revision.objects.create(article=a, editor=u, content="y", created=now - datetime.timedelta(days=200))
    return {"s": s, "cutoff": now - datetime.timedelta(days=100)}


SCENARIOS = {
    "recent": lambda n, d: services.recent_changes(d["s"]),
    "contributors": lambda n, d: services.contributors_by_article(d["s"]),
    "stale": lambda n, d: services.stale_articles(d["s"], d["cutoff"]),
}

# ---- labels ----
POSITIVES = [
    dict(file="services.py", match="names.add(revision.editor.username)", code="EG101",
         why="editor FK on prefetched revisions not loaded (prefetch_related('revisions') only)"),
    dict(file="services.py", match="latest = article.revisions.latest()", code="EG101",
         why="latest() on reverse FK per article"),
]
NEGATIVES = [
    dict(file="services.py", match="newest = article.revision_list[0]", why="Prefetch(..., to_attr='revision_list') list"),
    dict(file="services.py", match='"editor": newest.editor.username,', why="Prefetch queryset select_related('editor')"),
    dict(file="services.py", match="for revision in article.revisions.all():", why="prefetch_related('revisions') then .all()"),
]
