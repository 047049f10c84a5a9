from django import template

from ..models import Dataset

register = template.Library()


@register.inclusion_tag("dataset_library/_cards.html")
def featured_datasets(count=6):
    datasets = Dataset.objects.public().for_listing().with_stats().order_by("-downloads", "pk")[:count]
    cards = []
    for ds in datasets:
        cards.append(
            {
                "title": ds.title,
                "publisher": ds.publisher.name,
                "license": ds.license.spdx_id if ds.license else "",
                "tags": [t.slug for t in ds.tags.all()],
                "versions": ds.n_versions,
            }
        )
    return {"cards": cards}


@register.simple_tag
def publisher_catalogue(publisher):
    lines = []
    for ds in publisher.datasets.public().order_by("title"):
        latest = ds.latest_version()
        label = latest.semver if latest else "-"
        lines.append(f"{ds.title} {label} ({ds.publisher.name})")
    return "\n".join(lines)


@register.simple_tag
def file_formats(dataset):
    formats = set()
    for version in dataset.versions.all():
        formats.update(f.format for f in version.files.all())
    return ", ".join(sorted(formats))
