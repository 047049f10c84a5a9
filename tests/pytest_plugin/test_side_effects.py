"""``--side-effects``: mail sent inside a transaction that the test body opened, at runtime."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.backends import SQLITE, Backend
from tests.pytest_plugin.queries_project import PYTEST_INI, Run, line_of, run, write, write_project

NOTIFY = """
from django.core import mail
from django.db import transaction

from app.models import Author


def create_and_mail(name):
    with transaction.atomic():
        Author.objects.create(name=name)
        mail.send_mail(f"welcome {name}", "hi", "a@example.com", ["b@example.com"])  # inside


def create_then_mail_on_commit(name):
    with transaction.atomic():
        Author.objects.create(name=name)
        transaction.on_commit(
            lambda: mail.send_mail(f"welcome {name}", "hi", "a@example.com", ["b@example.com"])
        )


def mail_outside():
    mail.send_mail("plain", "hi", "a@example.com", ["b@example.com"])


def mail_nobody_inside():
    with transaction.atomic():
        mail.send_mail("nobody", "hi", "a@example.com", [])  # Django sends nothing


def mass_mail_inside_other():
    with transaction.atomic(using="other"):
        messages = [(s, "hi", "a@example.com", ["b@example.com"]) for s in ("one", "two")]
        mail.send_mass_mail(messages)  # inside, on alias other
"""

TESTS = """
import pytest
from django.core import mail
from django.test import TestCase

from app import notify


def test_inside(db):
    notify.create_and_mail("Ann")
    assert len(mail.outbox) == 1


def test_on_commit_captured(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify.create_then_mail_on_commit("Bob")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_on_commit_after_a_real_commit():
    notify.create_then_mail_on_commit("Cy")
    assert len(mail.outbox) == 1


def test_outside_only_the_tests_own_transaction(db):
    notify.mail_outside()


@pytest.mark.urls("mail_views")
def test_view_under_atomic_requests(client, db):
    assert client.get("/welcome/").status_code == 200


def test_no_recipients_no_mail(db):
    notify.mail_nobody_inside()
    assert not mail.outbox


@pytest.mark.django_db(databases=["default", "other"])
def test_inside_other_alias():
    notify.mass_mail_inside_other()
    assert len(mail.outbox) == 2


@pytest.mark.filterwarnings("error::errguard.pytest_plugin.side_effects.SideEffectWarning")
def test_warning_as_error(db):
    notify.create_and_mail("Fay")


@pytest.mark.allow_side_effects
def test_allowed(db):
    notify.create_and_mail("Dee")


class TestDjangoTestCase(TestCase):
    def test_case_inside(self):
        notify.create_and_mail("Eve")

    def test_case_outside(self):
        notify.mail_outside()


@pytest.mark.allow_side_effects
def test_patches_were_undone_after_each_test():  # no database: pytest-django runs it last
    from django.core.mail.backends.locmem import EmailBackend
    from django.core.mail.message import EmailMessage
    from django.db.backends.base.base import BaseDatabaseWrapper

    assert EmailMessage.send.__qualname__ == "EmailMessage.send"
    assert EmailBackend.send_messages.__qualname__ == "EmailBackend.send_messages"
    assert BaseDatabaseWrapper.on_commit.__qualname__ == "BaseDatabaseWrapper.on_commit"
"""

MAIL_VIEWS = """
from django.http import HttpResponse
from django.urls import path

from app import notify


def welcome(request):
    notify.mail_outside()
    return HttpResponse("ok")


urlpatterns = [path("welcome/", welcome)]
"""

REPORTED = {
    "test_inside",
    "test_warning_as_error",
    "test_view_under_atomic_requests",
    "test_inside_other_alias",
    "test_case_inside",
}


def _project(pytester: pytest.Pytester, backend: Backend = SQLITE) -> pytest.Pytester:
    write_project(pytester, backend)
    write(pytester, "app/notify.py", NOTIFY)
    write(pytester, "test_notify.py", TESTS)
    write(pytester, "mail_views.py", MAIL_VIEWS)
    with (pytester.path / "settings.py").open("a") as settings:
        settings.write('DATABASES["default"]["ATOMIC_REQUESTS"] = True\n')
    return pytester


def _failed(finished: Run) -> set[str]:
    return {name for name, outcome in finished.outcomes.items() if outcome == "FAILED"}


def test_fail_mode_fails_the_tests_that_mail_inside_a_transaction(pytester, backend):
    finished = run(_project(pytester, backend), "--side-effects=fail", "-p", "no:randomly")
    assert backend.header in finished.output, finished.output
    assert _failed(finished) == REPORTED, finished.output
    assert finished.outcomes["test_patches_were_undone_after_each_test"] == "PASSED"
    inside = line_of(NOTIFY, "# inside")
    failure = finished.failure("test_inside")
    assert (
        f"side effect inside a transaction: sent mail 'welcome Ann' inside an atomic block on "
        f"'default', at app/notify.py:{inside} in create_and_mail" in failure
    ), failure
    outside = line_of(NOTIFY, '"plain"')
    failure = finished.failure("test_view_under_atomic_requests")
    assert f"on 'default', at app/notify.py:{outside} in mail_outside" in failure, failure
    other = line_of(NOTIFY, "# inside, on alias other")
    failure = finished.failure("test_inside_other_alias")
    assert f"sent 2 mails inside an atomic block on 'other', at app/notify.py:{other}" in failure


def test_warn_mode_warns_at_the_call_site_and_passes(pytester):
    project = _project(pytester)
    write(project, "pytest.ini", f"{PYTEST_INI}errguard_side_effects = warn\n")
    finished = run(project, "-p", "no:randomly")
    assert _failed(finished) == {"test_warning_as_error"}, finished.output
    assert finished.failure("test_warning_as_error").startswith(
        "SideEffectWarning: side effect inside a transaction: sent mail 'welcome Fay'"
    )
    inside = line_of(NOTIFY, "# inside")
    warning = f"app/notify.py:{inside}: SideEffectWarning: side effect inside a transaction"
    assert finished.output.count(warning) == 2, finished.output


def test_off_by_default(pytester):
    finished = run(_project(pytester), "-p", "no:randomly")
    assert not _failed(finished), finished.output
    assert "SideEffectWarning" not in finished.output


def test_an_invalid_ini_value_is_a_usage_error(pytester):
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-o", "errguard_side_effects=loud")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "errguard_side_effects must be fail, warn or off, not 'loud'" in result.stderr.str()


def test_without_django_the_option_does_nothing(pytester):
    pytester.makepyfile("def test_plain(): assert 1 + 1 == 2")
    result = pytester.runpytest_subprocess("--side-effects=fail", "-p", "no:django")
    result.assert_outcomes(passed=1)
