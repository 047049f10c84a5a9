import re

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Follow, Hashtag, Like, Post

HASHTAG_RE = re.compile(r"#(\w{1,64})")


def like_post(user, post):
    if not post.likes.filter(user=user).exists():
        post.likes.create(user=user)
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        return True
    return False


def unlike_post(user, post):
    deleted, _ = Like.objects.filter(post=post, user=user).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
    return bool(deleted)


def follow(follower, followee):
    if follower.pk == followee.pk:
        raise ValueError("users cannot follow themselves")
    if Follow.objects.filter(follower=follower, followee=followee).exists():
        return False
    try:
        with transaction.atomic():
            Follow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        return False
    return True


def sync_hashtags(post):
    names = {match.lower() for match in HASHTAG_RE.findall(post.body)}
    tags = []
    for name in sorted(names):
        if Hashtag.objects.filter(name=name).exists():
            tags.append(Hashtag.objects.get(name=name))
        else:
            tags.append(Hashtag.objects.create(name=name))
    post.hashtags.set(tags)
    return tags


def repost(user, original):
    new_post = Post.objects.create(author=user, body=original.body, repost_of=original)
    original.repost_count = F("repost_count") + 1
    original.save(update_fields=["repost_count"])
    original.refresh_from_db(fields=["repost_count"])
    return new_post


def is_following(follower, followee):
    return Follow.objects.filter(follower=follower, followee=followee).exists()
