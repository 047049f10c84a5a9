from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Post, Tag


class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"

    def get_queryset(self):
        return (
            Post.objects.published()
            .with_author()
            .prefetch_related("tags")
            .order_by("-published_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cards = []
        for post in context["object_list"]:
            cards.append(
                {
                    "title": post.title,
                    "byline": post.author.get_full_name() or post.author.username,
                    "tags": [tag.name for tag in post.tags.all()],
                }
            )
        context["cards"] = cards
        return context


class TagArchiveView(ListView):
    template_name = "blog/tag_archive.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return self.tag.posts.published().order_by("-published_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        context["entries"] = [
            {
                "title": post.title,
                "author": post.author.username,
                "other_tags": [t.name for t in post.tags.all() if t.pk != self.tag.pk],
                "comments": post.comments.filter(is_approved=True).count(),
            }
            for post in context["object_list"]
        ]
        return context


class PostDetailView(DetailView):
    template_name = "blog/post_detail.html"

    def get_queryset(self):
        return Post.objects.published().with_author()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comments = self.object.comments.filter(is_approved=True)
        context["comment_list"] = [
            {"by": comment.author_name, "body": comment.body, "at": comment.created}
            for comment in comments
        ]
        context["author_name"] = self.object.author.get_full_name()
        return context
