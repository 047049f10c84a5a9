"""Issue 17's acceptance for baselines: on a copy of the example shop, record a baseline, make
twenty edits of the kinds a code base sees between two CI runs (moves, reformatting, renames,
lines added, and one new N+1), and only the new N+1 is reported: by ``errguard check`` and
the flake8 plugin, run as users run them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.baseline.shop import (
    BASELINE,
    NEW_N_PLUS_ONE,
    append,
    configure_baseline,
    copy_shop,
    edit,
    flake8,
    insert_above,
    move,
    reindent,
    rename,
)
from tests.conftest import run_subprocess
from tests.example_problems import EXAMPLE, planted_problems

PLANTED = len(planted_problems(EXAMPLE))


def _shop_file(root: Path, name: str) -> Path:
    return root / "shop" / name


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    (
        "a constant and an import above the order report",
        lambda root: insert_above(
            _shop_file(root, "reports.py"),
            "def order_summaries",
            "import os\n\nPAGE_SIZE = int(os.environ.get('PAGE_SIZE', '50'))\n\n\n",
        ),
    ),
    (
        "the order report re-indented by two spaces",
        lambda r: reindent(_shop_file(r, "reports.py"), 2),
    ),
    (
        "the report's row split over lines, with single quotes",
        lambda root: edit(
            _shop_file(root, "reports.py"),
            '{"id": order.pk, "customer": order.customer.name, "total_cents": order.total_cents()}',
            "{\n      'id': order.pk,\n      'customer': order.customer.name,\n"
            "      'total_cents': order.total_cents(),\n    }",
        ),
    ),
    ("order_summaries renamed", lambda root: rename(root, "order_summaries", "dashboard_orders")),
    ("_sales_by_day renamed", lambda root: rename(root, "_sales_by_day", "_daily_totals")),
    (
        "exports moved to an accounting package",
        lambda root: move(root, "shop/exports.py", "shop/accounting/exports.py"),
    ),
    ("export_orders renamed", lambda root: rename(root, "export_orders", "export_to_sqlite")),
    (
        "customers moved to an accounts package",
        lambda root: move(root, "shop/customers.py", "shop/accounts/customers.py"),
    ),
    ("customer_for renamed", lambda root: rename(root, "customer_for", "find_or_create_customer")),
    (
        "a helper added above pay_order",
        lambda root: insert_above(
            _shop_file(root, "views.py"),
            "@require_POST\ndef pay_order",
            "def _amount(order):\n    return order.total_cents()\n\n\n",
        ),
    ),
    (
        "the payments module re-indented by eight",
        lambda r: reindent(_shop_file(r, "payments.py"), 8),
    ),
    (
        "a docstring for pay_order",
        lambda root: edit(
            _shop_file(root, "views.py"),
            "def pay_order(request, order_id):\n",
            'def pay_order(request, order_id):\n    """Charge the order through the gateway."""\n',
        ),
    ),
    (
        "the receipt error's quotes changed",
        lambda root: edit(
            _shop_file(root, "views.py"),
            'JsonResponse({"error": str(e)}, status=500)',
            "JsonResponse({'error': str(e)}, status=500)",
        ),
    ),
    ("stock_report renamed", lambda root: rename(root, "stock_report", "stock_levels")),
    (
        "a comment block at the top of the tasks",
        lambda root: insert_above(
            _shop_file(root, "tasks.py"),
            "from __future__",
            "# Jobs are queued by the order views and the stock reservation.\n"
            "# Keep them idempotent: a queue may deliver a job twice.\n\n",
        ),
    ),
    (
        "the cycle's import split over lines",
        lambda root: edit(
            _shop_file(root, "inventory.py"),
            "from shop.tasks import notify_low_stock",
            "from shop.tasks import (\n    notify_low_stock,\n)",
        ),
    ),
    ("refund_quietly renamed", lambda root: rename(root, "refund_quietly", "refund_or_ignore")),
    (
        "reports moved to a dashboard package",
        lambda root: (
            move(root, "shop/reports.py", "shop/dashboard/reports.py"),
            rename(
                root,
                "from shop import inventory, payments, reports",
                ("from shop import inventory, payments\nfrom shop.dashboard import reports"),
            ),
        ),
    ),
    (
        "comments and blank lines inside reserve",
        lambda root: edit(
            _shop_file(root, "inventory.py"),
            "    product.stock -= quantity\n",
            "\n    # Take the quantity off the stock.\n    product.stock -= quantity  # what is left\n\n",
        ),
    ),
    (
        "a new N+1 in the dashboard reports",
        lambda root: append(root / "shop" / "dashboard" / "reports.py", NEW_N_PLUS_ONE),
    ),
]


def _only_finding(root: Path) -> tuple[str, int, str]:
    """The line of the new N+1 in the moved, edited reports module."""
    lines = (root / "shop" / "dashboard" / "reports.py").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "order.customer.name for order" in text)
    return "shop/dashboard/reports.py", line, "EG101"


def test_twenty_edits_and_only_the_new_n_plus_one_is_reported(tmp_path):
    assert len(EDITS) == 20
    root = copy_shop(tmp_path)
    written = run_subprocess("check", "--write-baseline", cwd=root)
    assert written.code == 0, written.err
    for _, make in EDITS:
        make(root)

    unfiltered = run_subprocess("check", "--format", "json", cwd=root)
    assert len(json.loads(unfiltered.out)) == PLANTED + 1, "the edits keep every planted finding"

    checked = run_subprocess("check", "--baseline", BASELINE, "--format", "json", cwd=root)
    assert checked.code == 1, checked.err
    reported = [(v["path"], v["line"], v["code"]) for v in json.loads(checked.out)]
    assert reported == [_only_finding(root)]
    assert "no longer found" not in checked.err

    sarif = run_subprocess("check", "--baseline", BASELINE, "--format", "sarif", cwd=root)
    states = [r["baselineState"] for r in json.loads(sarif.out)["runs"][0]["results"]]
    assert sorted(states) == ["new"] + ["unchanged"] * PLANTED

    configure_baseline(root)
    path, line, code = _only_finding(root)
    (flagged,) = flake8(root)
    assert flagged.startswith(f"./{path}:{line}:")
    assert f" {code} " in flagged
