from django.db.models import Count, OuterRef, Subquery
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Forum, Post


def forum_detail(request, slug):
    forum = get_object_or_404(Forum, slug=slug)
    threads = forum.threads.annotate(reply_count=Count("posts")).order_by("-is_sticky", "-created")
    rows = []
    for thread in threads:
        last = thread.last_post
        rows.append(
            {
                "title": thread.title,
                "starter": thread.starter.username,
                "replies": thread.reply_count,
                "last_post_at": last.created.isoformat() if last else None,
            }
        )
    return JsonResponse({"forum": forum.name, "threads": rows})


def forum_threads_api(request, slug):
    forum = get_object_or_404(Forum, slug=slug)
    newest = Post.objects.filter(thread=OuterRef("pk")).order_by("-created")
    threads = forum.threads.select_related("starter").annotate(
        last_post_at=Subquery(newest.values("created")[:1]),
        reply_count=Count("posts"),
    )
    data = []
    for thread in threads:
        data.append(
            {
                "id": thread.pk,
                "starter_id": thread.starter_id,
                "starter": thread.starter.get_username(),
                "last_post_at": thread.last_post_at,
                "replies": thread.reply_count,
            }
        )
    return JsonResponse({"threads": data})


def user_activity(request, user_id):
    posts = Post.objects.filter(author_id=user_id).select_related("thread__forum").order_by("-created")
    lines = [f"{post.thread.forum.name} / {post.thread.title}" for post in posts]
    return JsonResponse({"activity": lines})


def thread_opening_post(request, thread_id):
    opening = None
    for post in Post.objects.filter(thread_id=thread_id).order_by("created"):
        opening = {"author": post.author.username, "body": post.body}
        break
    return JsonResponse({"opening": opening})
