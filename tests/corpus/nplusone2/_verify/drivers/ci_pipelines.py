import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from ci_pipelines import services
from ci_pipelines.models import Artifact, Job, Pipeline, Repository, Runner, Stage

from ._util import users


def seed(n):
    old = timezone.now() - datetime.timedelta(days=90)
    us = users(n, "dev")
    repo = Repository.objects.create(name="app", owner=us[0])
    pids = []
    big = Pipeline.objects.create(repository=repo, ref="main", sha="f" * 40, created=old)
    for i in range(n):
        runner = Runner.objects.create(name=f"r{i}")
        p = Pipeline.objects.create(repository=repo, ref="main", sha=f"{i:040d}", created=old, triggered_by=us[i])
        pids.append(p.pk)
        st = Stage.objects.create(pipeline=p, name="test", order=1)
        Stage.objects.create(pipeline=p, name="build", order=0)
        j = Job.objects.create(stage=st, name=f"job{i}", status="failed", runner=runner)
        Job.objects.create(stage=st, name=f"job{i}", status="running", runner=runner)
        Job.objects.create(stage=st, name=f"job{i}", status="success")
        Artifact.objects.create(job=j, path="log.txt", size=10)
        bst = Stage.objects.create(pipeline=big, name=f"s{i}", order=i)
        Job.objects.create(stage=bst, name="lint", status="failed")
    return {"repo": repo, "pids": pids, "big": big}


SCENARIOS = [
    ("recent", lambda c: services.recent_pipelines()),
    ("flaky", lambda c: services.flaky_jobs(c["repo"])),
    ("load", lambda c: services.runner_load()),
    ("busy", lambda c: services.busy_runners()),
    ("first_stage", lambda c: services.first_stage_names(c["pids"])),
    ("stage_report", lambda c: services.stage_report(c["big"])),
    ("prune", lambda c: call_command("prune_artifacts", stdout=io.StringIO())),
]

EXPECT = [
    ("services.py", '"by": p.triggered_by.username if p.triggered_by_id else "schedule",', "EG101",
     "select_related() without arguments only follows non-null FKs; nullable triggered_by is loaded per pipeline"),
    ("services.py", "statuses = set(Job.objects.filter(name=name, stage__pipeline__repository=repo)", "EG102",
     "values_list query per distinct job name"),
    ("services.py", 'if runner.jobs.filter(status="running").exists():', "EG101",
     "filter() on the prefetched reverse manager ignores the prefetch cache: one EXISTS query per runner"),
    ("services.py", 'failed = [j.name for j in Job.objects.filter(stage=stage, status="failed", allow_failure=False)]', "EG102",
     "Job queryset evaluated once per stage"),
    ("management/commands/prune_artifacts.py", 'self.stdout.write(f"{pipeline.repository.name}@{pipeline.sha[:8]}: {pipeline.stages.count()} stages")', "EG101",
     "pipeline.stages.count() on a non-prefetched reverse manager: one COUNT per pipeline"),
]

NEGATIVES = [
    ("services.py", '"repo": p.repository.name,', "select_related() without arguments follows the non-null repository FK"),
    ("services.py", "return {r.name: r.jobs.count() for r in runners}", "count() on a prefetched manager uses the cache"),
    ("services.py", "first = p.stages.first()", "Stage has Meta.ordering, so first() on the prefetched manager slices the cache"),
    ("management/commands/prune_artifacts.py", "for stage in pipeline.stages.all():", "prefetch_related with iterator(chunk_size=100)"),
    ("management/commands/prune_artifacts.py", "total += sum(a.size for a in job.artifacts.all())", "artifacts prefetched (3 levels)"),
    ("management/commands/prune_artifacts.py", "doomed.extend(a.pk for a in job.artifacts.all())", "artifacts prefetched"),
]
