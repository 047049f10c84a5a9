"""Module names read from the file tree, as Python and Django import the files."""

from __future__ import annotations

import json

import pytest

from errguard.project.modules import forget_roots, module_name
from tests.conftest import run_cli

MODELS = """\
from django.db import models

class Author(models.Model):
    name = models.CharField(max_length=10)

class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""
COMMAND = """\
from django.core.management.base import BaseCommand

from ...models import Book


class Command(BaseCommand):
    def handle(self, *args, **options):
        for book in Book.objects.all():
            self.stdout.write(book.author.name)
"""


def _app(root, *, packages):
    commands = root / "shop" / "management" / "commands"
    commands.mkdir(parents=True)
    (root / "manage.py").write_text("")
    (root / "shop" / "models.py").write_text(MODELS)
    (commands / "report.py").write_text(COMMAND)
    for package in packages:
        (root / package / "__init__.py").write_text("")
    forget_roots()
    return commands / "report.py"


@pytest.mark.parametrize(
    "packages",
    [
        ("shop", "shop/management", "shop/management/commands"),
        ("shop", "shop/management"),
        ("shop",),
    ],
    ids=["all-packages", "no-commands-init", "no-management-init"],
)
def test_command_module_is_named_as_django_imports_it(tmp_path, packages):
    command = _app(tmp_path, packages=packages)
    assert module_name(command) == "shop.management.commands.report"

    result = run_cli("check", "--no-cache", "--format", "json", tmp_path)
    (finding,) = json.loads(result.out)
    assert finding["code"] == "EG101"
    assert "Book.author → Author" in finding["message"]


def test_commands_directory_outside_a_package_is_its_own_root(tmp_path):
    command = _app(tmp_path, packages=())
    assert module_name(command) == "report"
