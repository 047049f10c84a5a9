from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import Project, TimeEntry


def weekly_totals(user, week_start):
    totals = []
    for offset in range(7):
        day = week_start + timedelta(days=offset)
        hours = TimeEntry.objects.filter(user=user, date=day).aggregate(total=Sum("hours"))["total"]
        totals.append((day, hours or Decimal("0")))
    return totals


def first_overbooked_entry(entries):
    for entry in entries:
        if entry.hours > 24:
            return TimeEntry.objects.filter(user_id=entry.user_id, date=entry.date).select_related("task").first()
    return None


def project_status():
    rows = []
    for project in Project.objects.filter(active=True).order_by("name"):
        open_tasks = project.tasks.filter(done=False).count()
        rows.append((project.name, open_tasks))
    return rows


def project_status_fast():
    projects = Project.objects.filter(active=True).annotate(
        open_tasks=Count("tasks", filter=Q(tasks__done=False))
    )
    return [(project.name, project.open_tasks) for project in projects]


def _hours_logged(task):
    return TimeEntry.objects.filter(task=task).aggregate(total=Sum("hours"))["total"] or Decimal("0")


def task_burndown(project):
    return [(task.title, task.estimate_hours, _hours_logged(task)) for task in project.tasks.all()]
