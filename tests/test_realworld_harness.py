"""bench/realworld/harness.py on a corpus of one small project: scores, lost TPs, returning FPs."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

HARNESS = REPO / "bench" / "realworld" / "harness.py"
BARE = "def load(raw):\n    try:\n        return int(raw)\n    except:\n        return None\n"
LOGGED = "import logging\n\ndef save(x):\n    try:\n        x.save()\n    except Exception:\n        pass\n"


def _corpus(tmp_path, files):
    (tmp_path / "manifest.toml").write_text(
        '[[project]]\nname = "demo"\nversion = "1.0"\nkind = "application"\n'
        'about = "a test project"\nfile = "demo-1.0-py3-none-any.whl"\nsha256 = "0"\n'
    )
    root = tmp_path / "cache" / "demo"
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    for name, text in files.items():
        (root / name).write_text(text)
    (tmp_path / "labels").mkdir(exist_ok=True)


def _label(tmp_path, *labels):
    (tmp_path / "labels" / "demo.json").write_text(json.dumps(list(labels)))


def _harness(tmp_path, *args):
    return subprocess.run(
        [sys.executable, str(HARNESS), "--manifest", str(tmp_path / "manifest.toml"),
         "--cache", str(tmp_path / "cache"), "--labels", str(tmp_path / "labels"), *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def _entry(path, line, code, verdict, **extra):
    return {"path": path, "line": line, "code": code, "snippet": "", "verdict": verdict,
            "worth": "medium" if verdict == "TP" else "low", "reason": "test", **extra}  # fmt: skip


def test_labelled_findings_are_scored_per_rule(tmp_path):
    _corpus(tmp_path, {"parse.py": BARE, "store.py": LOGGED})
    _label(tmp_path, _entry("parse.py", 4, "EG401", "TP"), _entry("store.py", 6, "EG402", "FP"))

    result = _harness(tmp_path, "--check")

    assert result.returncode == 0, result.stderr
    assert "| EG401 | 1 | " in result.stdout
    assert "| 1 | 0 | 1.00 | 1.00 | 0 |" in result.stdout  # EG401: TP, no FP, precision, worth
    assert "| 0 | 1 | 0.00 | 0.00 | 0 |" in result.stdout  # EG402: the FP


def test_a_true_positive_that_disappears_fails_the_check(tmp_path):
    _corpus(tmp_path, {"parse.py": BARE.replace("except:", "except ValueError:")})
    _label(tmp_path, _entry("parse.py", 4, "EG401", "TP"))

    result = _harness(tmp_path, "--check")

    assert result.returncode == 1
    assert "parse.py:4 EG401: a labelled true positive is no longer reported" in result.stderr


def test_a_false_positive_marked_gone_fails_the_check_when_it_returns(tmp_path):
    _corpus(tmp_path, {"store.py": LOGGED.replace("pass", "logging.exception('save')")})
    _label(tmp_path, _entry("store.py", 6, "EG402", "FP"))

    assert "marked gone: 1" in _harness(tmp_path, "--update").stdout
    assert json.loads((tmp_path / "labels" / "demo.json").read_text())[0]["gone"] is True
    _corpus(tmp_path, {"store.py": LOGGED})
    result = _harness(tmp_path, "--check")

    assert result.returncode == 1
    assert "store.py:6 EG402: a false positive errguard had stopped reporting is back" in (
        result.stderr
    )


def test_unlabelled_findings_are_listed(tmp_path):
    _corpus(tmp_path, {"parse.py": BARE})
    _label(tmp_path)

    result = _harness(tmp_path, "--unlabelled")

    assert result.stdout.startswith("demo: parse.py:4: EG401 bare `except:`")
