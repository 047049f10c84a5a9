from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from .models import Application, JobPosting


@require_POST
def bulk_apply(request):
    email = request.POST["email"]
    cover_letter = request.POST.get("cover_letter", "")
    to_create, skipped = [], []
    for job_id in request.POST.getlist("jobs"):
        job = get_object_or_404(JobPosting, pk=job_id, is_open=True)
        if Application.objects.filter(job=job, email__iexact=email).exists():
            skipped.append(job.pk)
            continue
        to_create.append(Application(job=job, email=email, cover_letter=cover_letter))
    Application.objects.bulk_create(to_create)
    return JsonResponse({"created": len(to_create), "skipped": skipped})


@require_POST
def bulk_close(request):
    jobs = list(JobPosting.objects.filter(pk__in=request.POST.getlist("jobs")).select_related("company"))
    closed = []
    for job in jobs:
        job.is_open = False
        closed.append(f"{job.company.name}: {job.title}")
    JobPosting.objects.bulk_update(jobs, ["is_open"])
    return JsonResponse({"closed": closed})


@require_GET
def job_feed(request):
    rows = (
        JobPosting.objects.filter(is_open=True)
        .order_by("-posted")
        .values("id", "title", "location", "remote", "company__name")
    )
    items = []
    for row in rows:
        items.append(
            {
                "id": row["id"],
                "title": f'{row["title"]} at {row["company__name"]}',
                "where": "Remote" if row["remote"] else row["location"],
            }
        )
    return JsonResponse({"jobs": items})


@require_GET
def company_jobs(request):
    by_company = {}
    for job in JobPosting.objects.filter(is_open=True):
        by_company.setdefault(job.company.name, []).append(job.title)
    return JsonResponse(by_company)
