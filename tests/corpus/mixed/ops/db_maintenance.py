"""Management command: periodic database housekeeping for the helpdesk cluster.

    ./manage.py db_maintenance --vacuum --report
"""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = "Vacuum large tables and print bloat / long-running query reports."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--vacuum", action="store_true")
        parser.add_argument("--report", action="store_true")
        parser.add_argument("--kill-idle-after", type=int, default=0, help="seconds")

    def handle(self, *args, **options):
        alias = options["database"]
        if alias not in settings.DATABASES:
            raise CommandError(f"unknown database alias {alias!r}")
        if options["vacuum"]:
            self.vacuum(alias)
        if options["report"]:
            self.report(alias)
        if options["kill_idle_after"]:
            self.kill_idle(alias, options["kill_idle_after"])

    def vacuum(self, alias):
        tables = getattr(settings, "MAINTENANCE_VACUUM_TABLES", ["helpdesk_ticket", "helpdesk_reply"])
        with connections[alias].cursor() as cursor:
            for table in tables:
                started = time.monotonic()
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
                self.stdout.write(f"vacuumed {table} in {time.monotonic() - started:.1f}s")

    def report(self, alias):
        cursor = connections[alias].cursor()
        cursor.execute(
            """
            SELECT relname, n_dead_tup, n_live_tup
            FROM pg_stat_user_tables
            WHERE n_dead_tup > 10000
            ORDER BY n_dead_tup DESC
            """
        )
        for relname, dead, live in cursor.fetchall():
            ratio = dead / max(live, 1)
            self.stdout.write(f"{relname:40} dead={dead:>10} live={live:>10} ratio={ratio:.2f}")

    def kill_idle(self, alias, seconds):
        cursor = connections[alias].cursor()
        try:
            cursor.execute(
                """
                SELECT pg_terminate_backend(pid)
                FROM pg_stat_activity
                WHERE state = 'idle in transaction'
                  AND now() - state_change > make_interval(secs => %s)
                  AND pid <> pg_backend_pid()
                """,
                [seconds],
            )
            killed = cursor.rowcount
        except Exception as exc:
            raise CommandError(f"could not terminate idle sessions: {exc}") from exc
        finally:
            cursor.close()
        self.stdout.write(f"terminated {killed} idle-in-transaction sessions")
