"""``errguard check --write-baseline / --baseline / --update-baseline`` on a copy of the example
shop, through the real CLI, with the edits people make between two runs."""

from __future__ import annotations

import json

import pytest

from tests.baseline.shop import (
    BASELINE,
    NEW_N_PLUS_ONE,
    append,
    configure_baseline,
    copy_shop,
    edit,
    findings,
    flake8,
    insert_above,
    move,
    recorded,
    reindent,
    rename,
)
from tests.conftest import run_cli
from tests.example_problems import EXAMPLE, planted_problems
from tests.readme_blocks import assert_shows, by_key, execute_tool, run_shell

PLANTED = len(planted_problems(EXAMPLE))


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """The example shop with a baseline of its planted findings, as the working directory."""
    root = copy_shop(tmp_path)
    monkeypatch.chdir(root)
    written = run_cli("check", "--write-baseline")
    assert written.code == 0, written.err
    assert written.out == ""
    return root


def test_the_baseline_records_every_finding_sorted_without_lines(shop):
    document = json.loads((shop / BASELINE).read_text())
    assert document["version"] == 1
    entries = document["findings"]
    assert sum(entry["count"] for entry in entries) == PLANTED
    assert [entry["path"] for entry in entries] == sorted(entry["path"] for entry in entries)
    assert {tuple(entry) for entry in entries} == {
        ("code", "path", "scope", "fingerprint", "context", "count", "message")
    }
    reports = [entry for entry in entries if entry["path"] == "shop/reports.py"]
    assert {(entry["code"], entry["scope"]) for entry in reports} == {
        ("EG101", "order_summaries"),
        ("EG301", "_sales_by_day"),
    }
    again = run_cli("check", "--write-baseline")
    assert again.code == 0
    assert json.loads((shop / BASELINE).read_text()) == document


def test_with_the_baseline_nothing_is_reported_and_the_run_says_why(shop):
    result = run_cli("check", "--baseline", BASELINE)
    assert (result.code, result.out) == (0, "")
    assert f"{PLANTED} findings recorded in {BASELINE} not shown" in result.err


def test_without_it_everything_is_reported(shop):
    assert len(findings()) == PLANTED


def test_the_write_note_says_how_to_use_the_baseline(shop):
    result = run_cli("check", "--write-baseline")
    assert f'--baseline {BASELINE}, or baseline = "{BASELINE}" in [tool.errguard]' in result.err


def _lines_inserted_above(root):
    lines = "import os\n\nPAGE_SIZE = int(os.environ.get('PAGE_SIZE', 50))\n\n\n"
    for name, anchor in (
        ("reports.py", "def order_summaries"),
        ("views.py", "def _order"),
        ("customers.py", "def customer_for"),
        ("tasks.py", "logger = "),
        ("inventory.py", "LOW_STOCK"),
    ):
        insert_above(root / "shop" / name, anchor, lines)


def _reformatted(root):
    reports = root / "shop" / "reports.py"
    edit(
        reports,
        '{"id": order.pk, "customer": order.customer.name, "total_cents": order.total_cents()}',
        "{\n            'id': order.pk,\n            'customer': order.customer.name,\n"
        "            'total_cents': order.total_cents(),\n        }",
    )
    edit(reports, 'order_by("id")', "order_by(\n            'id'\n        )")
    edit(
        root / "shop" / "inventory.py",
        "from shop.tasks import notify_low_stock",
        ("from shop.tasks import (\n    notify_low_stock,\n)"),
    )
    for name in ("reports.py", "views.py", "payments.py", "exports.py"):
        reindent(root / "shop" / name, 2)


def _functions_renamed(root):
    rename(root, "order_summaries", "dashboard_orders")
    rename(root, "customer_for", "find_or_create_customer")
    rename(root, "_sales_by_day", "_daily_totals")


def _files_moved(root):
    move(root, "shop/exports.py", "shop/accounting/exports.py")
    move(root, "shop/customers.py", "shop/accounts/customers.py")


@pytest.mark.parametrize(
    "edits", [_lines_inserted_above, _reformatted, _functions_renamed, _files_moved]
)
def test_edits_that_leave_the_findings_be_report_nothing(shop, edits):
    edits(shop)
    assert len(findings()) == PLANTED, "the edits keep every finding"
    result = run_cli("check", "--baseline", BASELINE)
    assert (result.code, result.out) == (0, ""), result.out
    assert "no longer found" not in result.err


def test_a_new_n_plus_one_is_the_only_finding_reported(shop):
    _functions_renamed(shop)
    append(shop / "shop" / "reports.py", NEW_N_PLUS_ONE)
    assert findings("--baseline", BASELINE) == [("shop/reports.py", 39, "EG101")]


def test_a_copied_file_has_findings_of_its_own(shop):
    copy = shop / "shop" / "signup.py"
    copy.write_text((shop / "shop" / "customers.py").read_text())
    assert findings("--baseline", BASELINE) == [("shop/signup.py", 6, "EG201")]


def _fix_bare_except_by_hand(root):
    edit(
        root / "shop" / "views.py",
        "    except:\n        logger.exception",
        ("    except Exception:\n        logger.exception"),
    )


def test_fixed_findings_are_counted_and_update_prunes_them_and_adds_nothing(shop):
    _fix_bare_except_by_hand(shop)
    append(shop / "shop" / "reports.py", NEW_N_PLUS_ONE)
    checked = run_cli("check", "--baseline", BASELINE)
    assert checked.code == 1
    assert f"1 finding recorded in {BASELINE} no longer found (fixed)" in checked.err
    assert "run again with --update-baseline to remove it" in checked.err

    updated = run_cli("check", "--baseline", BASELINE, "--update-baseline")
    assert updated.code == 1
    assert "shop/reports.py:39:13: EG101" in updated.out
    assert f"removed 1 finding no longer found from {BASELINE}" in updated.err
    entries = recorded(shop)
    assert sum(entry["count"] for entry in entries) == PLANTED - 1
    assert "EG401" not in {entry["code"] for entry in entries}
    assert "customer_names" not in {entry["scope"] for entry in entries}
    assert findings("--baseline", BASELINE) == [("shop/reports.py", 39, "EG101")]


def test_update_records_a_moved_file_and_a_renamed_function_where_they_are_now(shop):
    _files_moved(shop)
    _functions_renamed(shop)
    before = {entry["message"] for entry in recorded(shop)}
    assert run_cli("check", "--baseline", BASELINE, "--update-baseline").code == 0
    entries = recorded(shop)
    paths = {entry["path"] for entry in entries}
    assert {"shop/accounting/exports.py", "shop/accounts/customers.py"} <= paths
    assert not {"shop/exports.py", "shop/customers.py"} & paths
    assert "find_or_create_customer" in {entry["scope"] for entry in entries}
    assert {entry["message"] for entry in entries} == before
    assert findings("--baseline", BASELINE) == []


def test_a_run_over_part_of_the_project_leaves_the_rest_of_the_baseline_alone(shop):
    edit(
        shop / "shop" / "customers.py",
        "customer = Customer.objects.filter(",
        ("customer = None and Customer.objects.filter("),
    )
    views_only = run_cli("check", "shop/views.py", "--baseline", BASELINE, "--update-baseline")
    assert (views_only.code, views_only.out) == (0, "")
    assert "no longer found" not in views_only.err
    only_eg4 = run_cli("check", "--select", "EG4", "--baseline", BASELINE, "--update-baseline")
    assert only_eg4.code == 0
    assert sum(entry["count"] for entry in recorded(shop)) == PLANTED
    run_cli("check", "--write-baseline", "--select", "EG4")
    assert sum(entry["count"] for entry in recorded(shop)) == PLANTED, "other rules' entries kept"


def test_repeated_identical_findings_are_counted(shop):
    block = "    try:\n        x()\n    except:\n        pass\n"
    repeated = shop / "shop" / "repeated.py"
    repeated.write_text("def f():\n" + block * 2)
    run_cli("check", "--write-baseline")
    assert [e["count"] for e in recorded(shop) if e["path"] == "shop/repeated.py"] == [2]
    repeated.write_text("def f():\n" + block * 3)
    assert findings("--baseline", BASELINE) == [("shop/repeated.py", 12, "EG401")]
    repeated.write_text("def f():\n" + block)
    result = run_cli("check", "--baseline", BASELINE)
    assert (result.code, result.out) == (0, "")
    assert "1 finding recorded" in result.err


def test_sarif_marks_each_result_new_unchanged_or_absent(shop):
    _fix_bare_except_by_hand(shop)
    append(shop / "shop" / "reports.py", NEW_N_PLUS_ONE)
    result = run_cli("check", "--baseline", BASELINE, "--format", "sarif")
    assert result.code == 1
    results = json.loads(result.out)["runs"][0]["results"]
    states = [r["baselineState"] for r in results]
    counts = (states.count("new"), states.count("unchanged"), states.count("absent"))
    assert counts == (1, PLANTED - 1, 1)
    new = next(r for r in results if r["baselineState"] == "new")
    assert (new["ruleId"], "suppressions" in new) == ("EG101", False)
    unchanged = next(r for r in results if r["baselineState"] == "unchanged")
    assert unchanged["suppressions"][0]["kind"] == "external"
    absent = next(r for r in results if r["baselineState"] == "absent")
    assert (absent["ruleId"], absent["kind"], absent["level"]) == ("EG401", "pass", "none")
    location = absent["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "shop/views.py"
    assert "region" not in location


def test_fix_leaves_baselined_findings_alone_and_fixes_the_new_one(shop):
    configure_baseline(shop)
    bare = (
        "\n\ndef ping():\n    try:\n        return payments.ping()\n    except:\n"
        '        logger.exception("ping failed")\n'
    )
    append(shop / "shop" / "views.py", bare)
    result = run_cli("fix")
    assert result.code == 0, result.out + result.err
    views = (shop / "shop" / "views.py").read_text()
    assert "payments.charge(order)\n    except:\n" in views, "the baselined finding stays"
    assert "return payments.ping()\n    except Exception:\n" in views
    assert 'order_by("id")\n' in (shop / "shop" / "reports.py").read_text()
    assert "Fixed 1 finding in 1 file; 0 remaining." in result.err
    assert findings() == []
    everything = run_cli("fix", "--no-baseline", "--diff")
    assert "+    except Exception:\n" in everything.out, "--no-baseline fixes the rest too"


def test_no_baseline_reports_every_finding(shop):
    configure_baseline(shop)
    assert findings() == []
    assert len(findings("--no-baseline")) == PLANTED
    assert run_cli("check", "--no-baseline", "--baseline", BASELINE).code == 2


def test_the_flake8_plugin_honours_the_configured_baseline(shop):
    configure_baseline(shop)
    _functions_renamed(shop)
    append(shop / "shop" / "reports.py", NEW_N_PLUS_ONE)
    reported = flake8(shop)
    assert len(reported) == 1
    assert reported[0].startswith("./shop/reports.py:39:13: EG101 ")


def test_the_configured_baseline_is_read_from_the_configuration_files_directory(shop):
    configure_baseline(shop)
    append(shop / "shop" / "reports.py", NEW_N_PLUS_ONE)
    (shop / "shop").joinpath("x").mkdir()
    assert findings("shop") == [("shop/reports.py", 39, "EG101")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not an errguard baseline"),
        ('{"findings": {}}', 'no "findings" list'),
        ('{"version": 7, "findings": []}', "baseline version 7, this errguard reads version 1"),
        ('{"version": 1, "findings": [{"code": "EG401"}]}', "findings[0].path must be a str"),
    ],
)
def test_a_baseline_that_cannot_be_used_is_an_error(shop, content, message):
    (shop / BASELINE).write_text(content)
    result = run_cli("check", "--baseline", BASELINE)
    assert result.code == 2
    assert message in result.err
    assert run_cli("check", "--write-baseline").code == 0, "writing replaces it"


def test_usage_errors(shop, capsys):
    missing = run_cli("check", "--baseline", "missing.json")
    assert missing.code == 2
    assert "missing.json: baseline not found (record one with" in missing.err
    assert run_cli("check", "--update-baseline").code == 2
    unchecked = run_cli("check", "--write-baseline=other.json", "shop", "nowhere")
    assert unchecked.code == 2
    assert "other.json not written: some files could not be checked" in unchecked.err
    assert not (shop / "other.json").exists()
    taken = run_cli("check", "--write-baseline", "shop")
    assert taken.code == 2
    assert "'shop' is not a .json file" in capsys.readouterr().err  # argparse writes there
    assert not (shop / "shop").is_file()
    (shop / "pyproject.toml").write_text("[tool.errguard]\nbaseline = 3\n")
    configured = run_cli("check")
    assert configured.code == 2
    assert "baseline must be a file name, got 3" in configured.err


def test_the_readme_baseline_walkthrough_is_real(tmp_path):
    blocks = by_key()
    root = copy_shop(tmp_path)
    for command, output in (
        ("### Baseline #1", "### Baseline #2"),
        ("### Baseline #3", "### Baseline #4"),
    ):
        if command == "### Baseline #3":
            append(root / "shop" / "reports.py", NEW_N_PLUS_ONE)
        _, printed, _ = run_shell(blocks[command].text, root, execute_tool)
        assert_shows(blocks[output].text, printed)
    shown = json.loads(blocks["### Baseline #5"].text)
    written = json.loads((root / BASELINE).read_text())
    assert shown.keys() == written.keys()
    (entry,) = shown["findings"]
    real = written["findings"][0]
    assert entry.keys() == real.keys()
    assert entry["message"].removesuffix("...") in real["message"]
    assert {**entry, "message": ""} == {**real, "message": ""}
