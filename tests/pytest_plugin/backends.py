"""The databases the plugin's pytester projects run on: SQLite, and PostgreSQL through psycopg 3
or psycopg2 on this test process's throwaway cluster (``tests/postgres.py``).

A project's settings take ``DATABASES`` from ``Backend.settings()``; its conftest includes
``DRIVER_HEADER``, so the outer test can check from the run's header (``Backend.header``) that
the run used the intended database and driver.
"""

from __future__ import annotations

import itertools
import pprint
from dataclasses import dataclass

from tests.postgres import Cluster

NAMES = ("sqlite", "postgresql-psycopg3", "postgresql-psycopg2")

DRIVER_HEADER = """

def pytest_report_header():
    from django.db import connection

    return f"database: {connection.vendor} via {connection.Database.__name__}"
"""

# Django uses psycopg 3 whenever it can import it; a None entry in sys.modules makes
# `import psycopg` raise ImportError, so Django falls back to psycopg2. The settings module is
# imported before any database backend, so this is early enough.
_HIDE_PSYCOPG3 = """import sys

sys.modules["psycopg"] = None
"""

_run_numbers = itertools.count()


@dataclass(frozen=True)
class Backend:
    name: str
    module: str
    """The DB-API module Django must end up using: ``sqlite3.dbapi2``, ``psycopg``, ``psycopg2``."""
    cluster: Cluster | None = None

    @property
    def header(self) -> str:
        vendor = "sqlite" if self.cluster is None else "postgresql"
        return f"database: {vendor} via {self.module}"

    def databases(self, sqlite_names: dict[str, str]) -> dict[str, dict[str, str]]:
        """``DATABASES`` for these aliases: SQLite files (or ``:memory:``) by alias, or a
        PostgreSQL database per alias, named afresh on every call so runs never share one."""
        if self.cluster is None:
            return {
                alias: {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
                for alias, name in sqlite_names.items()
            }
        run = next(_run_numbers)
        return {
            alias: self.cluster.django_database(f"errguard_{run}_{alias}") for alias in sqlite_names
        }

    def settings(self, source: str, sqlite_names: dict[str, str]) -> str:
        """A settings module: ``source`` with ``DATABASES`` and the driver choice added."""
        prelude = _HIDE_PSYCOPG3 if self.module == "psycopg2" else ""
        databases = pprint.pformat(self.databases(sqlite_names), sort_dicts=False)
        return f"{prelude}{source}DATABASES = {databases}\n"


SQLITE = Backend("sqlite", "sqlite3.dbapi2")


def postgresql(name: str, cluster: Cluster) -> Backend:
    return Backend(name, "psycopg2" if name.endswith("psycopg2") else "psycopg", cluster)
