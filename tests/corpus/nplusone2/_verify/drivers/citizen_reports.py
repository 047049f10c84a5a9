from django.utils import timezone
from rest_framework.test import APIRequestFactory

from citizen_reports import forms, views
from citizen_reports.models import Category, Councillor, Photo, Report, StatusChange, Ward, Watch

from ._util import users

arf = APIRequestFactory()


def seed(n):
    us = users(n, "cit")
    root = Category.objects.create(name="Roads")
    for i in range(n):
        c = Councillor.objects.create(name=f"Cllr{i}", email=f"c{i}@example.com")
        w = Ward.objects.create(number=i + 1, name=f"W{i}", councillor=c)
        cat = Category.objects.create(name=f"Pothole{i}", parent=root)
        r = Report.objects.create(ward=w, category=cat, reporter=us[i], title="hole")
        Photo.objects.create(report=r, url="https://img.example/x.jpg")
        StatusChange.objects.create(report=r, status="open", changed_by=us[i], at=timezone.now())
        Watch.objects.create(report=r, user=us[i])
    return {}


SCENARIOS = [
    ("form", lambda c: forms.ReportForm()),
    ("list", lambda c: views.ReportViewSet.as_view({"get": "list"})(arf.get("/")).render()),
    ("by_ward", lambda c: views.ReportViewSet.as_view({"get": "by_ward"})(arf.get("/")).render()),
    ("escalations", lambda c: views.ReportViewSet.as_view({"get": "escalations"})(arf.get("/")).render()),
]

EXPECT = [
    ("forms.py", "(w.pk, f\"Ward {w.number} - {w.councillor.name if w.councillor else 'vacant'}\")", "EG101",
     "choices comprehension reads w.councillor for every ward without select_related"),
    ("serializers.py", 'data["last_changed_by"] = instance.history.latest().changed_by.get_username()', "EG101",
     "to_representation runs per listed report: history.latest() query plus changed_by FK per report"),
    ("views.py", 'data = [{"ward": w.number, "open": w.reports.filter(status="open").count()} for w in page]', "EG101",
     "reverse FK w.reports filtered and counted per ward on the page"),
    ("views.py", '"department": report.category.department,', "EG101",
     "escalations queryset select_related('ward__councillor') only; category loaded per report"),
]

NEGATIVES = [
    ("forms.py", '(c.pk, f"{c.parent.name} / {c.name}" if c.parent else c.name)', "self-referential parent select_related"),
    ("serializers.py", 'data["ward"] = instance.ward.name', "ward select_related in get_queryset"),
    ("serializers.py", 'data["category"] = instance.category.name', "category select_related in get_queryset"),
    ("serializers.py", 'data["photos"] = [photo.url for photo in instance.photos.all()]', "photos prefetched"),
    ("serializers.py", 'data["watchers"] = self.context["watch_counts"].get(instance.pk, 0)',
     "counts precomputed once in get_serializer_context"),
    ("views.py", "councillor = report.ward.councillor", "ward__councillor select_related"),
    ("views.py", '"email": councillor.email if councillor else None,', "already loaded object"),
]
