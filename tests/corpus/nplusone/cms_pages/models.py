from django.db import models


class Page(models.Model):
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    title = models.CharField(max_length=120)
    slug = models.SlugField()
    in_menu = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)
    template = models.CharField(max_length=60, default="cms/page.html")
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.parent_id is None:
            return f"/{self.slug}/"
        return f"/{self.parent.slug}/{self.slug}/"
