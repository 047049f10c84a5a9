from .models import Post, Comment
from .feeds import LatestPostsFeed

__all__ = ["Post", "Comment", "LatestPostsFeed"]
