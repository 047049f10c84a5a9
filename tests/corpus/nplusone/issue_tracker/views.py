from collections import Counter

from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Issue
from .serializers import IssueSerializer


class IssueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IssueSerializer

    def get_queryset(self):
        queryset = Issue.objects.select_related("project", "assignee").prefetch_related("labels")
        project = self.request.query_params.get("project")
        if project:
            queryset = queryset.filter(project__key=project)
        return queryset.order_by("-created")

    @action(detail=False, methods=["get"])
    def blocked(self, request):
        blocked_ids = []
        for issue in self.get_queryset().filter(status=Issue.OPEN):
            if issue.labels.filter(name="blocked").exists():
                blocked_ids.append(issue.pk)
        return Response({"blocked": blocked_ids})

    @action(detail=False, methods=["get"])
    def workload(self, request):
        counts = Counter()
        open_issues = Issue.objects.filter(status=Issue.OPEN).exclude(assignee=None)
        for issue in open_issues:
            counts[issue.assignee.username] += 1
        return Response(dict(counts))

    @action(detail=False, methods=["get"], url_path="label-summary")
    def label_summary(self, request):
        summary = Counter()
        for issue in self.get_queryset():
            for label in issue.labels.all():
                summary[label.name] += 1
        return Response(dict(summary))
