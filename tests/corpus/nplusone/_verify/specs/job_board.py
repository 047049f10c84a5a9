from django.test import RequestFactory

from job_board import views
from job_board.models import Application, Company, JobPosting

rf = RequestFactory()


def seed(n):
    ids = []
    for i in range(n):
        c = Company.objects.create(name="Co%d" % i)
        j = JobPosting.objects.create(company=c, title="Dev %d" % i, location="Berlin")
        ids.append(str(j.pk))
    return {"ids": ids}


def apply(n, d):
    r = views.bulk_apply(rf.post("/apply/", {"email": "me@x.io", "jobs": d["ids"]}))
    Application.objects.all().delete()
    return r


def close(n, d):
    r = views.bulk_close(rf.post("/close/", {"jobs": d["ids"]}))
    JobPosting.objects.update(is_open=True)
    return r


SCENARIOS = {
    "apply": apply,
    "close": close,
    "feed": lambda n, d: views.job_feed(rf.get("/feed/")),
    "company_jobs": lambda n, d: views.company_jobs(rf.get("/by-company/")),
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match="job = get_object_or_404(JobPosting, pk=job_id, is_open=True)", code="EG102",
         why="get_object_or_404 (a get() query) per submitted job id"),
    dict(file="views.py", match="if Application.objects.filter(job=job, email__iexact=email).exists():", code="EG102",
         why="exists() per submitted job id"),
    dict(file="views.py", match="by_company.setdefault(job.company.name, []).append(job.title)", code="EG101",
         why="company FK not select_related"),
]
NEGATIVES = [
    dict(file="views.py", match='closed.append(f"{job.company.name}: {job.title}")', why="select_related('company')"),
    dict(file="views.py", match='"title": f\'{row["title"]} at {row["company__name"]}\',', why="values() rows with company__name"),
    dict(file="views.py", match='JobPosting.objects.bulk_update(jobs, ["is_open"])', fixed=True, why="bulk_update after loop"),
]
