from django.conf import settings
from django.db import models


class Forum(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)


class Thread(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    starter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="started_threads"
    )
    created = models.DateTimeField(auto_now_add=True)
    is_locked = models.BooleanField(default=False)
    is_sticky = models.BooleanField(default=False)

    @property
    def last_post(self):
        return self.posts.order_by("-created").first()


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_posts"
    )
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
