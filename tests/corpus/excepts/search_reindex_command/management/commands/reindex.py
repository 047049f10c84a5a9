import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from search.backends import get_backend
from search.registry import indexable_models

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Rebuild the search index"

    def add_arguments(self, parser):
        parser.add_argument("--backend", default="default")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--fail-fast", action="store_true")

    def handle(self, *args, **options):
        try:
            backend = get_backend(options["backend"])
        except KeyError as e:
            raise CommandError(f"unknown backend {e}") from e
        total = failed = 0
        for model in indexable_models():
            try:
                n = backend.reindex(model, batch_size=options["batch_size"])
            except OperationalError as e:
                self.stderr.write(f"{model._meta.label}: database error: {e}")
                failed += 1
                continue
            except Exception as e:
                logger.exception("reindex of %s failed", model._meta.label)
                if options["fail_fast"]:
                    raise CommandError(str(e)) from e
                failed += 1
                continue
            total += n
        self.stdout.write(f"indexed {total} objects, {failed} models failed")
        if failed:
            raise CommandError("%d models failed to index" % failed)
