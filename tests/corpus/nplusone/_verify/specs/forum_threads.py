from django.contrib.auth.models import User
from django.test import RequestFactory

from forum_threads import views
from forum_threads.models import Forum, Post, Thread

rf = RequestFactory()


def seed(n):
    f = Forum.objects.create(name="General", slug="general")
    me = User.objects.create(username="me")
    for i in range(n):
        u = User.objects.create(username="u%d" % i)
        t = Thread.objects.create(forum=f, title="t%d" % i, starter=u)
        Post.objects.create(thread=t, author=u, body="x")
        Post.objects.create(thread=t, author=me, body="y")
    for i in range(n):
        Post.objects.create(thread=t, author=User.objects.get(username="u%d" % i), body="z")
    return {"me": me, "t": t}


SCENARIOS = {
    "detail": lambda n, d: views.forum_detail(rf.get("/"), "general"),
    "api": lambda n, d: views.forum_threads_api(rf.get("/"), "general"),
    "activity": lambda n, d: views.user_activity(rf.get("/"), d["me"].pk),
    "opening": lambda n, d: views.thread_opening_post(rf.get("/"), d["t"].pk),
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match="last = thread.last_post", code="EG101",
         why="model @property last_post queries self.posts per thread",
         via=[("models.py", 'return self.posts.order_by("-created").first()')]),
    dict(file="views.py", match='"starter": thread.starter.username,', code="EG101",
         why="starter FK not select_related"),
]
NEGATIVES = [
    dict(file="views.py", match='"replies": thread.reply_count,', occ=1, why="annotate(Count('posts'))"),
    dict(file="views.py", match='"starter_id": thread.starter_id,', why="FK id attribute"),
    dict(file="views.py", match='"starter": thread.starter.get_username(),', why="select_related('starter')"),
    dict(file="views.py", match='"last_post_at": thread.last_post_at,', why="Subquery annotation instead of property"),
    dict(file="views.py", match='"replies": thread.reply_count,', occ=2, why="annotate(Count('posts'))"),
    dict(file="views.py", match='lines = [f"{post.thread.forum.name} / {post.thread.title}" for post in posts]',
         why="select_related('thread__forum')"),
    dict(file="views.py", match='opening = {"author": post.author.username, "body": post.body}', fixed=True,
         why="loop breaks after the first iteration"),
]
