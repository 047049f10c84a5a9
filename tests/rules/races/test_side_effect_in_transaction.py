"""EG203 across a project: ``ATOMIC_REQUESTS`` read from the settings, calls followed into other
modules, tests skipped and management commands checked, the fix run by the real CLI."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from errguard.project.settings import atomic_request_databases
from tests.conftest import run_cli

SETTINGS_ON = """\
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "ATOMIC_REQUESTS": True},
    "reports": {"ENGINE": "django.db.backends.sqlite3"},
}
"""
VIEWS = """\
from django.core.mail import send_mail
from django.db import transaction
from django.views import View

from shop.tasks import send_receipt


def checkout(request, pk):
    order = request.user.orders.create(pk=pk)
    send_receipt.delay(order.pk)


@transaction.non_atomic_requests
def resend(request, pk):
    order = request.user.orders.get(pk=pk)
    order.save()
    send_receipt.delay(order.pk)


class CancelView(View):
    def post(self, request, pk):
        order = request.user.orders.get(pk=pk)
        order.delete()
        send_mail("Cancelled", "", None, [order.email])
"""
TASKS = """\
from celery import shared_task


@shared_task
def send_receipt(pk):
    pass
"""


def write(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    monkeypatch.chdir(root)
    found = json.loads(run_cli("check", "--select", "EG203", "--format", "json", ".").out)
    return sorted((item["path"], item["line"]) for item in found)


def shop(settings: str) -> dict[str, str]:
    return {
        "shop/__init__.py": "",
        "shop/settings.py": settings,
        "shop/tasks.py": TASKS,
        "shop/views.py": VIEWS,
    }


def test_views_are_atomic_when_the_settings_turn_atomic_requests_on(tmp_path, monkeypatch):
    write(tmp_path, shop(SETTINGS_ON))
    assert check(tmp_path, monkeypatch) == [("shop/views.py", 10), ("shop/views.py", 24)]


@pytest.mark.parametrize(
    "settings",
    [
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}\n',
        'import os\nDATABASES = {"default": {"ATOMIC_REQUESTS": bool(os.environ.get("A"))}}\n',
        'DATABASES = {"default": {}, "reports": {"ATOMIC_REQUESTS": True}}\n',
    ],
    ids=["off", "computed at start-up", "another database"],
)
def test_views_are_not_atomic_otherwise(settings, tmp_path, monkeypatch):
    write(tmp_path, shop(settings))
    assert check(tmp_path, monkeypatch) == []


def test_atomic_requests_set_by_subscript_in_a_settings_package(tmp_path):
    sources = {
        tmp_path / "conf/settings/prod.py": b'DATABASES["default"]["ATOMIC_REQUESTS"] = True\n',
        tmp_path / "conf/tests/settings.py": b'DATABASES = {"x": {"ATOMIC_REQUESTS": True}}\n',
        tmp_path / "conf/models.py": b'DATABASES = {"y": {"ATOMIC_REQUESTS": True}}\n',
    }
    assert atomic_request_databases(sources, [tmp_path]) == frozenset({"default"})


SERVICES = """\
from django.db import transaction

from shop.mailer import announce


def publish(post):
    with transaction.atomic():
        post.published = True
        post.save()
        announce(post)
"""
MAILER = """\
from shop.webhooks import call_hooks


def announce(post):
    call_hooks(post.pk)
"""
WEBHOOKS = """\
import httpx


def call_hooks(pk):
    client = httpx.Client()
    client.post("https://hooks.example.com", json={"post": pk})
"""


def test_a_side_effect_two_modules_away_is_reported_at_the_call_in_the_transaction(
    tmp_path, monkeypatch
):
    write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/services.py": SERVICES,
            "shop/mailer.py": MAILER,
            "shop/webhooks.py": WEBHOOKS,
        },
    )
    monkeypatch.chdir(tmp_path)
    (finding,) = json.loads(run_cli("check", "--select", "EG203", "--format", "json", ".").out)
    assert (finding["path"], finding["line"]) == ("shop/services.py", 10)
    assert (
        "`announce() -> call_hooks() -> client.post()`, shop.webhooks line 6"
        in (finding["message"])
    )
    assert finding["fix"] is None, "the called function may write: it is not moved"


COMMAND = """\
from django.core.mail import mail_admins
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    def handle(self, *args, **options):
        with transaction.atomic():
            count = self.archive()
            mail_admins("Archived", str(count))

    def archive(self):
        from shop.models import Order

        return Order.objects.filter(status="done").update(status="archived")
"""


def test_management_commands_are_checked_and_tests_are_not(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/management/__init__.py": "",
            "shop/management/commands/__init__.py": "",
            "shop/management/commands/archive.py": COMMAND,
            "shop/tests/__init__.py": "",
            "shop/tests/test_archive.py": COMMAND,
        },
    )
    assert check(tmp_path, monkeypatch) == [("shop/management/commands/archive.py", 10)]


LOOP = """\
from django.db import transaction

from shop.tasks import send_receipt


def confirm(orders):
    with transaction.atomic():
        for order in orders:
            order.confirmed = True
            order.save()
            send_receipt.delay(order.pk)
"""


def test_the_fix_binds_the_loop_variable_and_the_check_is_then_clean(tmp_path, monkeypatch):
    write(tmp_path, {"shop/__init__.py": "", "shop/tasks.py": TASKS, "shop/orders.py": LOOP})
    monkeypatch.chdir(tmp_path)
    assert run_cli("fix", "--select", "EG203", ".").code == 1, "the fix is unsafe only"
    assert run_cli("fix", "--select", "EG203", "--unsafe-fixes", ".").code == 0
    fixed = (tmp_path / "shop/orders.py").read_text()
    assert fixed.startswith("import functools\n")
    assert "transaction.on_commit(functools.partial(send_receipt.delay, order.pk))" in fixed
    ast.parse(fixed)
    assert check(tmp_path, monkeypatch) == []
    assert run_cli("fix", "--select", "EG203", "--unsafe-fixes", ".").code == 0
    assert (tmp_path / "shop/orders.py").read_text() == fixed
