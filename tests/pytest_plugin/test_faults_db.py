"""faults.db against real databases (SQLite, PostgreSQL with psycopg 3 and with psycopg2), in a
pytest-django session of its own (Django configures itself once per process, so the session
runs in a subprocess)."""

from __future__ import annotations

from tests.pytest_plugin.backends import DRIVER_HEADER

SETTINGS = """
SECRET_KEY = "errguard-faults-tests-only"
INSTALLED_APPS = ["django.contrib.contenttypes"]
USE_TZ = True
"""
SQLITE_NAMES = {"default": "default.sqlite3", "other": "other.sqlite3"}

TESTS = """
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, OperationalError, connection, connections

from errguard.faults import DbFault


def count_with_retry(using="default", attempts=3):
    for attempt in range(attempts):
        try:
            return ContentType.objects.using(using).count()
        except OperationalError:
            if attempt == attempts - 1:
                raise


@pytest.mark.django_db
def test_retry_loop_survives_two_failed_queries(faults):
    failing = faults.db(times=2)

    assert count_with_retry() == ContentType.objects.count()
    assert failing.hits == 2
    assert "django_content_type" in failing.queries[0].sql
    assert failing.queries[0].alias == "default"


@pytest.mark.django_db
def test_retry_loop_gives_up_when_the_database_stays_down(faults):
    faults.db()

    with pytest.raises(OperationalError, match="errguard: injected database fault"):
        count_with_retry()


@pytest.mark.django_db
def test_match_picks_the_statements(faults):
    inserts = faults.db(match=r"^INSERT", error=IntegrityError)

    assert not ContentType.objects.filter(app_label="shop").exists()
    with pytest.raises(IntegrityError):
        ContentType.objects.create(app_label="shop", model="order")
    assert inserts.hits == 1


@pytest.mark.django_db(databases=["default", "other"])
def test_using_limits_the_fault_to_one_alias(faults):
    other = faults.db(using="other")

    assert count_with_retry("default") >= 1
    with pytest.raises(OperationalError):
        count_with_retry("other")
    assert {query.alias for query in other.queries} == {"other"}


@pytest.mark.django_db(transaction=True)
def test_connections_opened_by_other_threads_fail_too(faults):
    faults.db(match="django_content_type")
    errors = []

    def worker():
        try:
            ContentType.objects.count()
        except OperationalError as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(errors) == 1


@pytest.mark.django_db
@pytest.mark.faults(db=True, match="SELECT", times=1)
def test_the_marker_declares_a_database_fault(faults):
    with pytest.raises(OperationalError):
        ContentType.objects.count()
    assert ContentType.objects.count() >= 1
    assert faults.handles[0].hits == 1


@pytest.mark.django_db
def test_a_fault_that_is_never_triggered(faults):
    faults.db(match="NEVER MATCHES")
    assert ContentType.objects.count() >= 1


@pytest.mark.django_db
def test_failing_while_a_fault_is_active(faults):
    faults.db(times=1)
    assert False, "this test fails on purpose"


@pytest.mark.django_db(databases=["default", "other"])
def test_z_nothing_is_left_behind():
    for alias in connections:
        wrappers = connections[alias].execute_wrappers
        assert not [wrapper for wrapper in wrappers if isinstance(wrapper, DbFault)]
    assert count_with_retry("default", attempts=1) >= 1
    assert count_with_retry("other", attempts=1) >= 1
"""


def test_database_faults_drive_retry_loops_and_are_undone(pytester, backend):
    pytester.makepyfile(
        faults_settings=backend.settings(SETTINGS, SQLITE_NAMES),
        conftest=DRIVER_HEADER,
        test_db_faults=TESTS,
    )
    pytester.makeini("[pytest]\nDJANGO_SETTINGS_MODULE = faults_settings\npythonpath = .\n")

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    assert backend.header in result.stdout.str()
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: this test fails on purpose"])


SETUP_TESTS = """
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError


@pytest.fixture
def shop_type(db):
    return ContentType.objects.create(app_label="shop", model="order")


@pytest.mark.django_db
@pytest.mark.faults(db=True)
def test_a_first_database_test_of_the_session_is_marked(shop_type, faults):
    with pytest.raises(OperationalError, match="errguard: injected database fault"):
        ContentType.objects.count()
    assert faults.handles[0].hits == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.faults(db=True)
def test_b_a_transactional_test_is_flushed_after_its_body(faults):
    with pytest.raises(OperationalError):
        ContentType.objects.create(app_label="shop", model="invoice")
    assert faults.handles[0].hits == 1


@pytest.mark.django_db
def test_c_later_tests_use_the_database(shop_type):
    assert ContentType.objects.filter(app_label="shop").count() == 1
"""


def test_marker_faults_hit_the_test_body_not_the_database_setup(pytester, backend):
    # The first database test of the session creates the test database (pytest-django's
    # django_db_setup), its fixtures insert rows, and a transactional test is flushed after it:
    # none of that is the code under test, so none of it may meet the fault.
    pytester.makepyfile(
        faults_settings=backend.settings(SETTINGS, SQLITE_NAMES),
        conftest=DRIVER_HEADER,
        test_db_setup=SETUP_TESTS,
    )
    pytester.makeini("[pytest]\nDJANGO_SETTINGS_MODULE = faults_settings\npythonpath = .\n")

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    assert backend.header in result.stdout.str()
    result.assert_outcomes(passed=3)
