from cms_pages.models import Page
from cms_pages.templatetags import cms_tags


def seed(n):
    leaf = None
    for i in range(n):
        root = Page.objects.create(title="R%d" % i, slug="r%d" % i, sort_order=i)
        leaf = Page.objects.create(parent=root, title="C%d" % i, slug="c%d" % i)
    for i in range(n):
        Page.objects.create(parent=root, title="S%d" % i, slug="s%d" % i)
    return {"leaf": leaf}


SCENARIOS = {
    "main_menu": lambda n, d: cms_tags.main_menu(),
    "footer": lambda n, d: cms_tags.footer_sitemap(),
    "index": lambda n, d: cms_tags.page_index(),
    "subnav": lambda n, d: cms_tags.subnav(d["leaf"]),
}

# ---- labels ----
POSITIVES = [
    dict(file="templatetags/cms_tags.py", match="for child in page.children.filter(in_menu=True):", code="EG101",
         why="reverse FK children filtered queryset iterated per root page"),
    dict(file="templatetags/cms_tags.py", match="return [(page.title, page.get_absolute_url()) for page in pages]",
         code="EG101", why="get_absolute_url() touches self.parent (FK) -> query per page",
         via=[("models.py", 'return f"/{self.parent.slug}/{self.slug}/"')]),
]
NEGATIVES = [
    dict(file="templatetags/cms_tags.py", match='children.append({"title": child.title, "url": child.get_absolute_url()})',
         why="children fetched through page.children: parent is a known related object (no query)"),
    dict(file="templatetags/cms_tags.py", match='"url": page.get_absolute_url(),',
         why="root pages have parent_id None -> no FK access"),
    dict(file="templatetags/cms_tags.py", match='[child.get_absolute_url() for child in page.children.all()]',
         why="prefetch_related('children'); parent cache set by prefetch"),
    dict(file="templatetags/cms_tags.py", match='[(p.title, p.slug) for p in siblings]',
         why="plain fields only"),
]
