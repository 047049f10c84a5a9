"""How ``fix`` writes: through symlinks, keeping owner and mode, never over an edit made while
it ran, and one failed write never stops the others."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import errguard.cli.fix
from tests.conftest import run_cli
from tests.test_cli import BARE, write
from tests.test_cli_edges import fixed

OTHER_USER = 65534  # nobody


@pytest.mark.parametrize("config", ["", '[tool.errguard]\nfix-symlinks = "follow"\n'])
def test_a_symlinked_file_is_fixed_through_to_its_target(project, config):
    """The default, and ``fix-symlinks = "follow"``."""
    write(project, {"pyproject.toml": config, "real/target.py": BARE})
    (project / "link.py").symlink_to(Path("real", "target.py"))
    result = run_cli("fix", "link.py")
    assert result.code == 0, result.err
    assert (project / "link.py").is_symlink()
    assert os.readlink(project / "link.py") == os.path.join("real", "target.py")
    assert fixed(project / "real" / "target.py")
    assert sorted(os.listdir(project / "real")) == ["target.py"], "no temporary file left"


@pytest.mark.parametrize("diff", [[], ["--diff"]])
def test_fix_symlinks_skip_leaves_a_symlinked_file_alone_with_a_note(project, diff):
    write(
        project,
        {
            "pyproject.toml": '[tool.errguard]\nfix-symlinks = "skip"\n',
            "real/target.py": BARE,
            "other.py": BARE,
        },
    )
    (project / "link.py").symlink_to(Path("real", "target.py"))
    result = run_cli("fix", "link.py", "other.py", *diff)
    assert result.code == 1, result.err
    assert 'errguard: note: link.py: not fixed, a symbolic link (fix-symlinks = "skip")' in (
        result.err
    )
    assert (project / "real" / "target.py").read_text() == BARE
    assert (project / "link.py").is_symlink()
    if diff:
        assert "other.py" in result.out
        assert "link.py" not in result.out
        assert "1 remaining" in result.err
    else:
        assert fixed(project / "other.py")
        assert result.out.startswith("link.py:3:1: EG401 ")
        assert "Fixed 1 finding in 1 file; 1 remaining." in result.err


def test_fix_symlinks_skip_says_nothing_of_a_link_without_fixes(project):
    write(
        project, {"pyproject.toml": '[tool.errguard]\nfix-symlinks = "skip"\n', "t.py": "x = 1\n"}
    )
    (project / "link.py").symlink_to("t.py")
    result = run_cli("fix", "link.py")
    assert result.code == 0, result.err
    assert "note" not in result.err


def test_fix_symlinks_must_be_follow_or_skip(project):
    write(project, {"pyproject.toml": '[tool.errguard]\nfix-symlinks = "replace"\n'})
    result = run_cli("check")
    assert result.code == 2
    assert "fix-symlinks must be one of 'follow', 'skip', got 'replace'" in result.err


def test_a_fixed_file_keeps_its_owner_group_and_mode(project):
    write(project, {"a.py": BARE})
    path = project / "a.py"
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    os.chown(path, OTHER_USER, OTHER_USER)
    path.chmod(0o640)
    result = run_cli("fix")
    assert result.code == 0, result.err
    assert fixed(path)
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (OTHER_USER, OTHER_USER)
    assert stat.S_IMODE(info.st_mode) == 0o640


@pytest.fixture
def after_fixing(monkeypatch):
    """Run ``action(path)`` on each file right after its fixes are computed, before any is
    written: what a user (or another tool) does to the tree while ``fix`` runs."""
    actions = {}
    compute = errguard.cli.fix.fix_file

    def fix_then_act(path, job):
        result = compute(path, job)
        action = actions.get(path.name)
        if action is not None:
            action(path)
        return result

    monkeypatch.setattr(errguard.cli.fix, "fix_file", fix_then_act)
    return actions


def test_a_file_edited_while_fix_runs_keeps_the_edit(project, after_fixing):
    write(project, {"a.py": BARE, "b.py": BARE})
    edited = BARE + "# edited meanwhile\n"
    after_fixing["a.py"] = lambda path: path.write_text(edited)
    result = run_cli("fix", "--no-cache")
    assert result.code == 2
    assert "errguard: error: a.py: fixes not written: the file changed since it was read" in (
        result.err
    )
    assert (project / "a.py").read_text() == edited
    assert fixed(project / "b.py")
    assert sorted(os.listdir(project)) == ["a.py", "b.py"], "no temporary file left"


def test_a_file_deleted_while_fix_runs_is_reported_and_the_others_written(project, after_fixing):
    write(project, {"a.py": BARE, "b.py": BARE})
    after_fixing["a.py"] = Path.unlink
    result = run_cli("fix", "--no-cache")
    assert result.code == 2
    assert "errguard: error: a.py: fixes not written: No such file or directory" in result.err
    assert not (project / "a.py").exists()
    assert fixed(project / "b.py")


def test_a_file_replaced_by_a_fifo_while_fix_runs_is_not_written(project, after_fixing):
    write(project, {"a.py": BARE, "b.py": BARE})

    def replace_by_fifo(path: Path) -> None:
        path.unlink()
        os.mkfifo(path)

    after_fixing["a.py"] = replace_by_fifo
    result = run_cli("fix", "--no-cache")
    assert "errguard: error: a.py: fixes not written: not a regular file (a FIFO)" in result.err
    assert stat.S_ISFIFO((project / "a.py").stat().st_mode)
    assert fixed(project / "b.py")
