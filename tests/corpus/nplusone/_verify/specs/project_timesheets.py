import datetime

from django.contrib.auth.models import User

from project_timesheets import reports
from project_timesheets.models import Project, Task, TimeEntry


def seed(n):
    u = User.objects.create(username="dev")
    big = Project.objects.create(name="Big")
    day = datetime.date(2024, 5, 6)
    for i in range(n):
        p = Project.objects.create(name="P%d" % i)
        t = Task.objects.create(project=p, title="t%d" % i)
        bt = Task.objects.create(project=big, title="b%d" % i)
        TimeEntry.objects.create(task=t, user=u, date=day, hours=2)
        TimeEntry.objects.create(task=bt, user=u, date=day + datetime.timedelta(days=1), hours=3)
    TimeEntry.objects.create(task=bt, user=u, date=day + datetime.timedelta(days=2), hours=25)
    return {"u": u, "day": day, "big": big}


SCENARIOS = {
    "weekly": lambda n, d: reports.weekly_totals(d["u"], d["day"]),
    "overbooked": lambda n, d: reports.first_overbooked_entry(TimeEntry.objects.order_by("pk")),
    "status": lambda n, d: reports.project_status(),
    "status_fast": lambda n, d: reports.project_status_fast(),
    "burndown": lambda n, d: reports.task_burndown(d["big"]),
}

# ---- labels ----
POSITIVES = [
    dict(file="reports.py", match="open_tasks = project.tasks.filter(done=False).count()", code="EG101",
         why="reverse FK filtered count per project"),
    dict(file="reports.py", match="return [(task.title, task.estimate_hours, _hours_logged(task)) for task in project.tasks.all()]",
         code="EG102", why="helper _hours_logged() runs an aggregate() query per task",
         via=[("reports.py", 'return TimeEntry.objects.filter(task=task).aggregate(total=Sum("hours"))["total"] or Decimal("0")')]),
]
NEGATIVES = [
    dict(file="reports.py", match='hours = TimeEntry.objects.filter(user=user, date=day).aggregate(total=Sum("hours"))["total"]',
         fixed=True, why="loop over range(7): constant number of queries"),
    dict(file="reports.py", match='return TimeEntry.objects.filter(user_id=entry.user_id, date=entry.date).select_related("task").first()',
         fixed=True, why="query in a branch that returns out of the loop (runs at most once)"),
    dict(file="reports.py", match="if entry.hours > 24:", why="plain field"),
    dict(file="reports.py", match="return [(project.name, project.open_tasks) for project in projects]",
         why="annotate(Count(..., filter=Q(...)))"),
]
