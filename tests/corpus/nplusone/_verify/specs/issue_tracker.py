from django.contrib.auth.models import User
from rest_framework.test import APIRequestFactory

from issue_tracker.models import Issue, IssueComment, Label, Project
from issue_tracker.views import IssueViewSet

rf = APIRequestFactory()


def seed(n):
    p = Project.objects.create(key="CORE", name="Core")
    blocked = Label.objects.create(name="blocked")
    bug = Label.objects.create(name="bug")
    rep = User.objects.create(username="reporter")
    for i in range(n):
        u = User.objects.create(username="dev%d" % i)
        iss = Issue.objects.create(project=p, title="i%d" % i, reporter=rep, assignee=u)
        iss.labels.add(bug, blocked)
        IssueComment.objects.create(issue=iss, author=rep, body="c")
    return {}


def call(action):
    view = IssueViewSet.as_view({"get": action})
    resp = view(rf.get("/issues/"))
    assert resp.status_code == 200, resp.data
    return resp.data


SCENARIOS = {
    "list": lambda n, d: call("list"),
    "blocked": lambda n, d: call("blocked"),
    "workload": lambda n, d: call("workload"),
    "label_summary": lambda n, d: call("label_summary"),
}

# ---- labels ----
POSITIVES = [
    dict(file="serializers.py", match="return obj.comments.count()", code="EG101",
         why="implicit loop: SerializerMethodField runs per issue in ListSerializer; reverse FK count per object"),
    dict(file="views.py", match='issue.labels.filter(name="blocked").exists()', code="EG101",
         why="filter() on prefetched M2M bypasses prefetch cache -> query per issue"),
    dict(file="views.py", match="counts[issue.assignee.username] += 1", code="EG101",
         why="assignee FK not select_related on Issue.objects queryset"),
]
NEGATIVES = [
    dict(file="views.py", match="for label in issue.labels.all():",
         why="labels prefetched in get_queryset()"),
    dict(file="views.py", match='select_related("project", "assignee")', fixed=True,
         why="queryset covers project_key/assignee/labels serializer fields (no per-row query from those fields)"),
]
