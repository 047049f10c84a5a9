from django.contrib.auth.models import User
from django.test import RequestFactory

from social_feed import views
from social_feed.models import Follow, Post, Profile

rf = RequestFactory()


def seed(n):
    me = User.objects.create(username="me")
    Profile.objects.create(user=me)
    star = User.objects.create(username="star")
    Profile.objects.create(user=star)
    for i in range(n):
        u = User.objects.create(username="u%d" % i)
        Profile.objects.create(user=u, avatar_url="http://a/%d" % i)
        Follow.objects.create(follower=me, followee=u)
        p = Post.objects.create(author=u, text="hi")
        p.likes.add(me)
        sp = Post.objects.create(author=star, text="x")
        sp.likes.add(u)
        User.objects.create(username="lurker%d" % i)
        Profile.objects.create(user=User.objects.get(username="lurker%d" % i))
    return {"me": me, "star": star}


SCENARIOS = {
    "feed": lambda n, d: views.home_feed(rf.get("/"), d["me"].pk),
    "who": lambda n, d: views.who_to_follow(rf.get("/"), d["me"].pk),
    "likers": lambda n, d: views.likers(rf.get("/"), d["star"].pk),
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match='"avatar": post.author.profile.avatar_url,', code="EG101",
         why="reverse one-to-one profile on author not loaded (select_related('author') only)"),
    dict(file="views.py", match='"liked_by_me": post.likes.filter(pk=user_id).exists(),', code="EG101",
         why="filter() on prefetched M2M bypasses the prefetch cache"),
]
NEGATIVES = [
    dict(file="views.py", match='"author": post.author.username,', why="select_related('author')"),
    dict(file="views.py", match='"likes": post.likes.count(),', why="count() on prefetched relation uses the prefetch cache"),
    dict(file="views.py", match='{"username": u.username, "avatar": u.profile.avatar_url, "followers": u.follower_count}',
         why="select_related('profile') (reverse one-to-one) + annotate(Count)"),
    dict(file="views.py", match='{str(post.pk): [liker.profile.avatar_url for liker in post.likes.all()] for post in posts}',
         why="prefetch_related('likes__profile')"),
]
