from datetime import timedelta

from django.contrib.auth.models import User
from django.test import RequestFactory
from django.utils import timezone

from blog_posts.models import Comment, Post, Tag
from blog_posts.views import PostDetailView, PostListView, TagArchiveView

rf = RequestFactory()


def seed(n):
    t1 = Tag.objects.create(name="django", slug="django")
    t2 = Tag.objects.create(name="python", slug="python")
    past = timezone.now() - timedelta(days=1)
    for i in range(n):
        u = User.objects.create(username="u%d" % i, first_name="F%d" % i)
        p = Post.objects.create(author=u, title="t%d" % i, slug="p%d" % i, body="b",
                                status="published", published_at=past)
        p.tags.add(t1, t2)
        Comment.objects.create(post=p, author_name="x", body="y", is_approved=True)
    for i in range(n):
        Comment.objects.create(post=p, author_name="a%d" % i, body="z", is_approved=True)
    return {"last": p}


def run_list_view(cls, kwargs=None):
    view = cls()
    view.setup(rf.get("/"), **(kwargs or {}))
    view.object_list = view.get_queryset()
    return view.get_context_data()


def run_detail(n, d):
    view = PostDetailView()
    view.setup(rf.get("/"), slug=d["last"].slug)
    view.object = view.get_object()
    return view.get_context_data(object=view.object)


SCENARIOS = {
    "list": lambda n, d: run_list_view(PostListView),
    "archive": lambda n, d: run_list_view(TagArchiveView, {"slug": "django"}),
    "detail": run_detail,
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match='"author": post.author.username', code="EG101",
         why="author FK not select_related in tag archive (tag.posts.published() has no with_author())"),
    dict(file="views.py", match='for t in post.tags.all() if t.pk', code="EG101",
         why="M2M tags evaluated per post, no prefetch_related"),
    dict(file="views.py", match='post.comments.filter(is_approved=True).count()', code="EG101",
         why="reverse FK comments filtered+counted per post"),
]
NEGATIVES = [
    dict(file="views.py", match='post.author.get_full_name() or post.author.username',
         why="queryset built via custom with_author() -> select_related('author')"),
    dict(file="views.py", match='[tag.name for tag in post.tags.all()]',
         why="prefetch_related('tags') then .all()"),
    dict(file="views.py", match='{"by": comment.author_name',
         why="plain fields of comments fetched once"),
]
