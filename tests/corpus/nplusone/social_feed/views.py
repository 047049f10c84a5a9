from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import JsonResponse

from .models import Follow, Post

User = get_user_model()


def home_feed(request, user_id):
    following = Follow.objects.filter(follower_id=user_id).values_list("followee_id", flat=True)
    posts = (
        Post.objects.filter(author_id__in=following)
        .select_related("author")
        .prefetch_related("likes")
        .order_by("-created")
    )
    items = []
    for post in posts:
        items.append(
            {
                "id": post.pk,
                "author": post.author.username,
                "avatar": post.author.profile.avatar_url,
                "likes": post.likes.count(),
                "liked_by_me": post.likes.filter(pk=user_id).exists(),
                "text": post.text,
            }
        )
    return JsonResponse({"items": items})


def who_to_follow(request, user_id):
    candidates = (
        User.objects.exclude(pk=user_id)
        .exclude(followers__follower_id=user_id)
        .select_related("profile")
        .annotate(follower_count=Count("followers"))
        .order_by("-follower_count")
    )
    suggestions = [
        {"username": u.username, "avatar": u.profile.avatar_url, "followers": u.follower_count}
        for u in candidates
    ]
    return JsonResponse({"suggestions": suggestions})


def likers(request, user_id):
    posts = Post.objects.filter(author_id=user_id).prefetch_related("likes__profile")
    return JsonResponse(
        {str(post.pk): [liker.profile.avatar_url for liker in post.likes.all()] for post in posts}
    )
