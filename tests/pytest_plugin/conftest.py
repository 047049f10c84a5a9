from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpcore  # noqa: F401 - see below
import httpx  # noqa: F401
import pytest
import requests  # noqa: F401

from tests.postgres import Cluster, PostgresUnavailable, postgres_cluster
from tests.pytest_plugin.backends import NAMES, SQLITE, Backend, postgresql

# pytester's in-process runs remove the modules first imported during the run from sys.modules,
# while modules imported before keep their objects: httpx maps httpcore's exception classes on
# first use, so an httpcore first imported by an inner run would come back as a second copy whose
# errors httpx no longer maps, and requests' cookie classes of two copies do not mix. Imported
# here, one copy serves every run, whatever order the tests run in.


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for this test process (each xdist worker starts its own,
    on first use), stopped and deleted at the end of the session."""
    with ExitStack() as stack:
        try:
            cluster = stack.enter_context(postgres_cluster())
        except PostgresUnavailable as error:
            pytest.skip(f"no PostgreSQL: {error}")
        yield cluster


@pytest.fixture(params=NAMES)
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each database the plugin is tested on; PostgreSQL starts only for tests that use it."""
    if request.param == "sqlite":
        return SQLITE
    pytest.importorskip("psycopg2" if request.param.endswith("psycopg2") else "psycopg")
    return postgresql(request.param, request.getfixturevalue("postgres"))
