from django.db.models import Count
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .models import Report, Ward, Watch
from .serializers import ReportSerializer


class StandardPagination(PageNumberPagination):
    page_size = 50


class ReportViewSet(viewsets.ModelViewSet):
    serializer_class = ReportSerializer
    pagination_class = StandardPagination

    def get_queryset(self):
        return Report.objects.select_related("ward", "category").prefetch_related("photos").order_by("-created", "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        counts = Watch.objects.values("report_id").annotate(n=Count("id")).values_list("report_id", "n")
        context["watch_counts"] = dict(counts)
        return context

    @action(detail=False, url_path="by-ward")
    def by_ward(self, request):
        page = self.paginate_queryset(Ward.objects.order_by("number"))
        data = [{"ward": w.number, "open": w.reports.filter(status="open").count()} for w in page]
        return self.get_paginated_response(data)

    @action(detail=False)
    def escalations(self, request):
        stale = Report.objects.filter(status="open").select_related("ward__councillor")
        out = []
        for report in stale:
            councillor = report.ward.councillor
            out.append(
                {
                    "report": report.pk,
                    "email": councillor.email if councillor else None,
                    "department": report.category.department,
                }
            )
        return Response(out)
