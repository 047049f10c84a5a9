from django.test import RequestFactory
from django.utils import timezone

from polls_voting import views
from polls_voting.models import Choice, Question

rf = RequestFactory()


def seed(n):
    multi = Question.objects.create(text="Pick any", pub_date=timezone.now(), allow_multiple=True)
    ids = []
    for i in range(n):
        q = Question.objects.create(text="Q%d" % i, pub_date=timezone.now())
        Choice.objects.create(question=q, text="yes")
        ids.append(str(Choice.objects.create(question=multi, text="c%d" % i).pk))
    return {"multi": multi, "ids": ids}


SCENARIOS = {
    "vote": lambda n, d: views.vote(rf.post("/", {"choice": d["ids"]}), d["multi"].pk),
    "vote_v2": lambda n, d: views.vote_v2(rf.post("/", {"choice": d["ids"]}), d["multi"].pk),
    "results": lambda n, d: views.results(rf.get("/")),
    "detailed": lambda n, d: views.results_detailed(rf.get("/")),
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match="selected.append(Choice.objects.get(pk=choice_id, question=question))", code="EG102",
         why="get() per submitted choice id (request data)"),
    dict(file="views.py", match='total = question.choices.aggregate(total=Sum("votes"))["total"] or 0', code="EG101",
         why="aggregate() on reverse FK per question"),
]
NEGATIVES = [
    dict(file="views.py", match='data = [{"question": q.text, "total": q.total_votes or 0} for q in questions]',
         why="annotate(Sum('choices__votes'))"),
    dict(file="views.py", match='return JsonResponse({"voted": [c.text for c in selected]})', why="plain field of fetched objects"),
]
