"""``errguard check --diff-base REF`` in a real git repository: only the branch's findings."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap

import pytest

from errguard.diff_base import added_lines
from errguard.rules._shared.example_models import SHOP_MODELS
from tests.conftest import run_cli
from tests.test_cli import write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

VIEWS = """\
from shop.models import Book


def audit():
    # a comment the branch deletes
    for book in Book.objects.all():
        print(book.author.name)


def catalogue():
    for book in Book.objects.all():
        print(book.author.name)


def total():
    return 1
"""
NEW_VIEW = """

def newest():
    for book in Book.objects.order_by("-id"):
        print(book.author.email)
"""


@pytest.fixture
def repo(project, monkeypatch):
    """A repository on branch ``main`` with one commit, the user's git configuration unread."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{variable}_NAME", "errguard")
        monkeypatch.setenv(f"GIT_{variable}_EMAIL", "errguard@example.com")
    git(project, "init", "-q", "-b", "main")
    write(
        project,
        {"pyproject.toml": "[project]\nname = 'shop'\n", "shop/__init__.py": ""},
    )
    (project / "shop" / "models.py").write_text(SHOP_MODELS)
    (project / "shop" / "views.py").write_text(VIEWS)
    commit(project, "shop")
    git(project, "checkout", "-q", "-b", "feature")
    return project


def git(root, *args):
    completed = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def commit(root, message):
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def locations(result):
    return [line.split(" ", 2)[:2] for line in result.out.splitlines()]


def test_only_the_branchs_findings_are_reported(repo):
    views = repo / "shop" / "views.py"
    # The branch deletes a line above one N+1 (its line moves up, unchanged), edits the line
    # of the other, edits a line with no finding, and adds a new N+1.
    catalogue = "def catalogue():\n    for book in Book.objects.all():\n"
    edited = (
        VIEWS.replace("    # a comment the branch deletes\n", "")
        .replace(
            f"{catalogue}        print(book.author.name)",
            f"{catalogue}        print(book.author.name.title())",
        )
        .replace("return 1", "return 2")
    )
    views.write_text(edited + NEW_VIEW)
    commit(repo, "branch work")
    assert locations(run_cli("check", "--format", "concise")) == [
        ["shop/views.py:6:15:", "EG101"],
        ["shop/views.py:11:15:", "EG101"],
        ["shop/views.py:20:15:", "EG101"],
    ]
    result = run_cli("check", "--format", "concise", "--diff-base", "main")
    assert result.code == 1
    assert locations(result) == [
        ["shop/views.py:11:15:", "EG101"],
        ["shop/views.py:20:15:", "EG101"],
    ]
    assert run_cli("check", "--format", "concise", "--diff-base", "HEAD").out == ""


def test_uncommitted_edits_and_untracked_files_count(repo):
    (repo / "shop" / "views.py").write_text(VIEWS + NEW_VIEW)  # not committed, not staged
    (repo / "shop" / "reports.py").write_text(VIEWS)  # untracked: every line is new
    (repo / ".gitignore").write_text("shop/ignored.py\n")
    (repo / "shop" / "ignored.py").write_text(VIEWS)  # ignored by git: not new
    result = run_cli("check", "--format", "concise", "--diff-base", "main")
    assert locations(result) == [
        ["shop/reports.py:7:15:", "EG101"],
        ["shop/reports.py:12:15:", "EG101"],
        ["shop/views.py:21:15:", "EG101"],
    ]


def test_paths_from_a_subdirectory_and_a_renamed_file(repo, monkeypatch):
    git(repo, "mv", "shop/views.py", "shop/pages.py")
    (repo / "shop" / "pages.py").write_text(VIEWS.replace("return 1", "return 2") + NEW_VIEW)
    commit(repo, "rename and edit")
    monkeypatch.chdir(repo / "shop")
    # The rename alone changes no line: only the new function is reported.
    result = run_cli("check", "--format", "concise", ".", "--diff-base", "main")
    assert locations(result) == [["pages.py:21:15:", "EG101"]]
    # From outside the repository, the repository is the one holding the paths.
    monkeypatch.chdir(repo.parent)
    result = run_cli(
        "check", "--format", "concise", repo / "shop" / "pages.py", "--diff-base", "main"
    )
    assert locations(result) == [[f"{repo.name}/shop/pages.py:21:15:", "EG101"]]


def test_the_branch_base_is_where_the_branch_left_ref(repo):
    """Work committed on ``main`` after the branch left it is not the branch's change."""
    (repo / "shop" / "views.py").write_text(VIEWS + NEW_VIEW)
    commit(repo, "branch work")
    git(repo, "checkout", "-q", "main")
    (repo / "shop" / "other.py").write_text(VIEWS)
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")
    assert locations(run_cli("check", "--format", "concise", "--diff-base", "main")) == [
        ["shop/views.py:21:15:", "EG101"]
    ]


CYCLE_A = "from app.b import B\n\nA = 1\n"
CYCLE_B = "from app.a import A\n\nB = 2\n"


def test_an_import_cycle_through_a_changed_line_is_reported_wherever_it_is(repo):
    write(repo, {"app/__init__.py": "", "app/a.py": "A = 1\n", "app/b.py": CYCLE_B})
    commit(repo, "b imports a")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "app" / "a.py").write_text(CYCLE_A)  # the new import closes the cycle
    commit(repo, "a imports b")
    everything = run_cli("check", "--format", "concise", "--select", "EG501")
    # Reported on both imports, b.py's among them, which this commit did not touch.
    assert locations(everything) == [["app/a.py:1:1:", "EG501"], ["app/b.py:1:1:", "EG501"]]
    assert (
        run_cli("check", "--format", "concise", "--select", "EG501", "--diff-base", base).out
        == everything.out
    )
    # An edit of a.py away from the cycle's imports: the cycle is not the branch's doing.
    (repo / "app" / "a.py").write_text(CYCLE_A.replace("A = 1", "A = 2"))
    assert (
        run_cli("check", "--format", "concise", "--select", "EG501", "--diff-base", "HEAD").out
        == ""
    )


def test_not_a_repository_or_an_unknown_ref_is_a_usage_error(repo, tmp_path_factory, monkeypatch):
    result = run_cli("check", "--format", "concise", "--diff-base", "no-such-branch")
    assert result.code == 2
    assert result.err == "errguard: error: --diff-base: unknown revision 'no-such-branch'\n"
    elsewhere = tmp_path_factory.mktemp("not-a-repo")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(elsewhere.parent))
    monkeypatch.chdir(elsewhere)
    result = run_cli("check", "--format", "concise", "--diff-base", "main")
    assert result.code == 2
    assert result.err.startswith("errguard: error: --diff-base: fatal: not a git repository")


def test_a_diff_line_that_looks_like_a_header_is_content(repo):
    (repo / "shop" / "views.py").write_text(VIEWS + "++ b/evil.py\n")
    diff = git(repo, "diff", "--unified=0", "--src-prefix=a/", "--dst-prefix=b/")
    assert "\n+++ b/evil.py\n" in diff
    assert list(added_lines(diff.splitlines())) == [("shop/views.py", frozenset({17}))]


def test_quoted_paths():
    diff = textwrap.dedent(
        """\
        diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"
        --- /dev/null
        +++ "b/caf\\303\\251.py"
        @@ -0,0 +1,2 @@
        +x = 1
        +y = 2
        --- a/gone.py
        +++ /dev/null
        @@ -1 +0,0 @@
        -x = 1
        --- a/sp ace.py\t
        +++ b/sp ace.py\t
        @@ -3,0 +4 @@
        +z = 3
        """
    )
    assert list(added_lines(diff.splitlines())) == [
        ("café.py", frozenset({1, 2})),
        ("sp ace.py", frozenset({4})),
    ]


def test_a_ref_with_no_common_history_is_a_usage_error(repo):
    git(repo, "checkout", "-q", "--orphan", "unrelated")
    commit(repo, "a history of its own")
    git(repo, "checkout", "-q", "feature")
    result = run_cli("check", "--format", "concise", "--diff-base", "unrelated")
    assert result.code == 2
    assert "'unrelated' and HEAD have no commit in common" in result.err
