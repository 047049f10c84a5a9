from blog.models import Post


class LatestPostsFeed:
    model = Post
