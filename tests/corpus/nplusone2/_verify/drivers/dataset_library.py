from django.utils import timezone

from dataset_library import services, views
from dataset_library.models import DataFile, Dataset, DatasetVersion, License, Publisher, Tag
from dataset_library.templatetags import dataset_tags

from ._util import get, render


def seed(n):
    now = timezone.now()
    lic = License.objects.create(spdx_id="CC-BY-4.0", name="CC BY")
    pub = Publisher.objects.create(name="Stats Office")
    tag = Tag.objects.create(slug="census")
    big = Dataset.objects.create(publisher=pub, license=lic, title="Big", slug="big")
    prev = None
    for i in range(n):
        ds = Dataset.objects.create(publisher=pub, license=lic, title=f"D{i}", slug=f"d{i}")
        ds.tags.add(tag)
        DatasetVersion.objects.create(dataset=ds, semver="1.0", released=now)
        prev = DatasetVersion.objects.create(dataset=big, semver=f"1.{i}", released=now, previous=prev)
        DataFile.objects.create(version=prev, path="a.csv", checksum="x", format=f"fmt{i}")
    return {"pub": pub, "big": big}


SCENARIOS = [
    ("featured", lambda c: dataset_tags.featured_datasets(count=50)),
    ("catalogue", lambda c: dataset_tags.publisher_catalogue(c["pub"])),
    ("formats", lambda c: dataset_tags.file_formats(c["big"])),
    ("list", lambda c: render(views.DatasetListView.as_view()(get()))),
    ("recent", lambda c: services.recently_released()),
    ("notes", lambda c: services.release_notes_index()),
]

EXPECT = [
    ("templatetags/dataset_tags.py", "latest = ds.latest_version()", "EG101",
     "Dataset.latest_version() queries self.versions (order_by().first()) for every dataset in the loop"),
    ("templatetags/dataset_tags.py", "formats.update(f.format for f in version.files.all())", "EG101",
     "version.files reverse FK evaluated per version"),
    ("services.py", 'return [f"{v.dataset.title} {v.semver}" for v in versions]', "EG101",
     "only('semver', 'dataset_id') keeps the FK id but does not load the Dataset; v.dataset queried per version"),
]

NEGATIVES = [
    ("templatetags/dataset_tags.py", '"publisher": ds.publisher.name,', "custom QuerySet.for_listing() select_related('publisher', 'license')"),
    ("templatetags/dataset_tags.py", '"license": ds.license.spdx_id if ds.license else "",', "license select_related via for_listing()"),
    ("templatetags/dataset_tags.py", '"tags": [t.slug for t in ds.tags.all()],', "tags prefetched via for_listing()"),
    ("templatetags/dataset_tags.py", '"versions": ds.n_versions,', "Count annotation via with_stats()"),
    ("templatetags/dataset_tags.py", 'lines.append(f"{ds.title} {label} ({ds.publisher.name})")',
     "rows from publisher.datasets (custom-queryset related manager) have publisher cached"),
    ("views.py", '(d.title, d.license.name if d.license_id else "", d.publisher.verified)',
     "get_queryset uses for_listing() (select_related)"),
    ("services.py", "prev = v.previous.semver if v.previous else None", "self-referential previous select_related"),
    ("services.py", "notes.setdefault(v.dataset.slug, []).append((prev, v.semver))", "dataset select_related"),
]
