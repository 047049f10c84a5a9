"""``errguard check --statistics``: counts per code instead of one line per finding."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.test_cli import BARE, CLEAN, SWALLOW, write


def test_one_line_per_code_most_frequent_first_with_fix_markers(project):
    write(project, {"a.py": BARE, "b.py": BARE, "c.py": SWALLOW + BARE})
    result = run_cli("check", "--statistics")
    assert result.code == 1
    assert result.out.splitlines() == [
        "3\tEG401\t[*] bare-except (3 fixable)",
        "1\tEG402\t[ ] silent-broad-except",
    ]
    assert "Found 4 findings (3 fixable with `errguard fix`)." in result.err


def test_json_statistics(project):
    write(project, {"a.py": BARE, "b.py": SWALLOW})
    result = run_cli("check", "--statistics", "--format", "json")
    assert result.code == 1
    assert json.loads(result.out) == [
        {"code": "EG401", "name": "bare-except", "count": 1, "fixable": 1, "unsafe_fixable": 0},
        {
            "code": "EG402",
            "name": "silent-broad-except",
            "count": 1,
            "fixable": 0,
            "unsafe_fixable": 0,
        },
    ]


def test_unsafe_only_fixes_are_marked_apart(project):
    write(
        project,
        {
            "shop/__init__.py": "",
            "shop/models.py": (
                "from django.db import models\n\n"
                "class Book(models.Model):\n"
                "    sold = models.IntegerField(default=0)\n"
            ),
            "shop/views.py": (
                "from shop.models import Book\n\n"
                "def sell(pk):\n"
                "    book = Book.objects.get(pk=pk)\n"
                "    book.sold += 1\n"
                "    book.save()\n"
            ),
        },
    )
    result = run_cli("check", "--statistics", "--select", "EG202")
    assert result.out == "1\tEG202\t[-] lost-update (1 with --unsafe-fixes)\n"


def test_nothing_found_prints_nothing(project):
    write(project, {"a.py": CLEAN})
    result = run_cli("check", "--statistics")
    assert (result.code, result.out) == (0, "")


def test_formats_without_a_statistics_form_are_refused(project):
    write(project, {"a.py": BARE})
    result = run_cli("check", "--statistics", "--format", "sarif")
    assert result.code == 2
    assert "--statistics works with --format full, concise or json" in result.err
    assert result.out == ""
