from .models import Job, Pipeline, Runner


def recent_pipelines(limit=50):
    pipelines = Pipeline.objects.select_related().order_by("-created")[:limit]
    rows = []
    for p in pipelines:
        rows.append(
            {
                "repo": p.repository.name,
                "by": p.triggered_by.username if p.triggered_by_id else "schedule",
                "sha": p.sha[:8],
            }
        )
    return rows


def flaky_jobs(repo):
    names = Job.objects.filter(stage__pipeline__repository=repo).values_list("name", flat=True).distinct()
    flaky = []
    for name in names:
        statuses = set(Job.objects.filter(name=name, stage__pipeline__repository=repo).values_list("status", flat=True))
        if {"failed", "success"} <= statuses:
            flaky.append(name)
    return flaky


def runner_load():
    runners = Runner.objects.prefetch_related("jobs")
    return {r.name: r.jobs.count() for r in runners}


def busy_runners():
    busy = []
    for runner in Runner.objects.filter(online=True).prefetch_related("jobs"):
        if runner.jobs.filter(status="running").exists():
            busy.append(runner.name)
    return busy


def first_stage_names(pipeline_ids):
    pipelines = Pipeline.objects.filter(pk__in=pipeline_ids).prefetch_related("stages")
    out = {}
    for p in pipelines:
        first = p.stages.first()
        out[p.pk] = first.name if first else None
    return out


def stage_report(pipeline):
    rows = []
    for stage in pipeline.stages.all():
        failed = [j.name for j in Job.objects.filter(stage=stage, status="failed", allow_failure=False)]
        if failed:
            rows.append((stage.name, failed))
    return rows
