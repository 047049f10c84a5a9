from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from ci_pipelines.models import Artifact, Pipeline


class Command(BaseCommand):
    help = "Report (and optionally delete) artifacts of pipelines older than --days"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--delete", action="store_true")

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=options["days"])
        old = Pipeline.objects.filter(created__lt=cutoff).prefetch_related("stages__jobs__artifacts")
        total = 0
        doomed = []
        for pipeline in old.iterator(chunk_size=100):
            for stage in pipeline.stages.all():
                for job in stage.jobs.all():
                    total += sum(a.size for a in job.artifacts.all())
                    doomed.extend(a.pk for a in job.artifacts.all())
        self.stdout.write(f"{len(doomed)} artifacts, {total} bytes")
        if options["delete"]:
            Artifact.objects.filter(pk__in=doomed).delete()
        for pipeline in Pipeline.objects.filter(created__lt=cutoff).select_related("repository"):
            self.stdout.write(f"{pipeline.repository.name}@{pipeline.sha[:8]}: {pipeline.stages.count()} stages")
