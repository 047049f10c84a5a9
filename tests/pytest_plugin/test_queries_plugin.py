"""Registration: options, ini keys, markers and the fixture; and nothing at all without Django."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.queries_project import run

PLAIN_TESTS = """
import sys

import pytest


def test_plain():
    assert 1 + 1 == 2


def test_no_query_machinery_was_loaded():
    loaded = {name for name in sys.modules if name.startswith(("errguard.queries", "sqlparse"))}
    assert loaded <= {"errguard.queries", "errguard.queries.budget", "errguard.queries.callsite", "errguard.queries.codekinds",
                      "errguard.queries.template_sites", "errguard.queries.serializer_sites",
                      "errguard.queries.findings", "errguard.queries.log",
                      "errguard.queries.normalize", "errguard.queries.report",
                      "errguard.queries.session", "errguard.queries.constant",
                      "errguard.queries.snapshot", "errguard.queries.snapshot_store",
                      "errguard.queries.runtime_report", "errguard.queries.atomic"}
    assert "sqlparse" not in loaded
    assert not {name for name in sys.modules if name == "django" or name.startswith("django.")}


def test_queries_fixture_says_what_it_needs(queries):
    pass


@pytest.mark.max_queries(1)
def test_max_queries_says_what_it_needs():
    pass
"""

UNCONFIGURED_TESTS = """
import django.conf
from django.db.backends.utils import CursorWrapper

from errguard.queries.patching import PatchStack


def test_django_is_imported_but_not_configured():
    assert not django.conf.settings.configured


def test_cursor_is_not_patched():
    assert CursorWrapper._execute_with_wrappers.__module__ == "django.db.backends.utils"
"""


def test_options_and_ini_keys_are_in_the_help(pytester):
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "errguard:",
            "*--nplusone={fail,warn,off}*",
            "*runtime N+1 query detection: fail the test, warn*",
            "*errguard_nplusone (string):*",
            "*errguard_nplusone_threshold (string):*",
        ]
    )


def test_markers_are_registered_with_their_signatures(pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.max_queries(n, [*], using=None): fail the test if its body runs more*",
            "@pytest.mark.allow_nplusone: do not report runtime N+1 queries for this test.",
        ]
    )


def test_fixture_is_listed_with_its_documentation(pytester):
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["queries -- *", "*Every database query of this test*"])


def test_plugin_is_registered_through_the_pytest11_entry_point(pytester):
    config = pytester.parseconfigure()
    plugin = config.pluginmanager.get_plugin("errguard.pytest_plugin.queries")
    assert plugin is not None
    assert config.pluginmanager.get_plugin("errguard") is not None  # the pytest11 name


@pytest.mark.parametrize("django_plugin", ["with pytest-django", "without pytest-django"])
def test_without_django_settings_the_plugin_does_nothing(pytester, django_plugin):
    pytester.makepyfile(test_plain=PLAIN_TESTS)
    args = ("-p", "no:django") if django_plugin == "without pytest-django" else ()
    result = run(pytester, *args).result
    result.assert_outcomes(passed=2, failed=1, errors=1)
    output = result.stdout.str()
    assert "errguard: queries" not in output
    assert "the queries fixture needs Django with configured settings" in output
    assert "@pytest.mark.max_queries needs Django with configured settings" in output


def test_with_django_installed_but_unconfigured_nothing_is_patched(pytester):
    pytester.makepyfile(test_unconfigured=UNCONFIGURED_TESTS)
    result = run(pytester, "-p", "no:django").result
    result.assert_outcomes(passed=2)
    assert "errguard: queries" not in result.stdout.str()
