from django import template

from cms_pages.models import Page

register = template.Library()


@register.simple_tag
def main_menu():
    items = []
    roots = Page.objects.filter(parent__isnull=True, in_menu=True)
    for page in roots:
        children = []
        for child in page.children.filter(in_menu=True):
            children.append({"title": child.title, "url": child.get_absolute_url()})
        items.append(
            {
                "title": page.title,
                "url": page.get_absolute_url(),
                "children": children,
            }
        )
    return items


@register.simple_tag
def footer_sitemap():
    roots = Page.objects.filter(parent__isnull=True).prefetch_related("children")
    return [
        {
            "title": page.title,
            "links": [child.get_absolute_url() for child in page.children.all()],
        }
        for page in roots
    ]


@register.simple_tag
def page_index():
    pages = Page.objects.filter(in_menu=True).order_by("title")
    return [(page.title, page.get_absolute_url()) for page in pages]


@register.inclusion_tag("cms/subnav.html")
def subnav(current):
    siblings = Page.objects.filter(parent_id=current.parent_id).exclude(pk=current.pk)
    return {"current": current, "links": [(p.title, p.slug) for p in siblings]}
