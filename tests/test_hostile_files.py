"""Hostile trees: special files named ``*.py``, undecodable file names, excluded directories,
paths that cannot be read, and bytes that parse but do not decode. None may hang, crash or
abort a run; each is a note, a finding or a clear error."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from errguard.cli import main
from tests.conftest import CliResult, run_cli
from tests.test_cli import BARE, write

# An import cycle that crashes (EG501 reads the whole project's import graph).
CYCLE = {"a.py": "import b\n\nX = b.Y\n", "b.py": "import a\n\nY = a.X\n"}
UNDECODABLE = b"caf\xe9"  # latin-1: not UTF-8, so Linux hands Python a surrogate escape


def run_isolated(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own: a read that blocks fails the test instead of hanging."""
    return subprocess.run(
        [sys.executable, "-m", "errguard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def special_files(project: Path) -> Path:
    """A FIFO, a socket and a character device (through a symlink) named like modules, one of
    them deep in a package, beside a real finding and a crashing import cycle."""
    write(project, {"pyproject.toml": "", "bare.py": BARE, "pkg/__init__.py": "", **CYCLE})
    os.mkfifo(project / "pipe.py")
    os.mkfifo(project / "pkg" / "models.py")
    (project / "null.py").symlink_to(os.devnull)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(project / "sock.py"))
    except OSError as exc:  # a path too long for a socket address
        pytest.skip(f"cannot create a socket here: {exc}")
    yield project
    server.close()


@pytest.mark.parametrize("command", ["check", "fix"])
def test_special_files_named_py_are_skipped_with_a_note(special_files, command):
    result = run_isolated(command, cwd=special_files)
    assert "internal error" not in result.stderr
    for name, kind in [
        ("null.py", "a character device"),
        ("pipe.py", "a FIFO"),
        ("pkg/models.py", "a FIFO"),
        ("sock.py", "a socket"),
    ]:
        assert f"errguard: note: {name}: skipped, not a regular file ({kind})" in result.stderr
    findings = result.stdout if command == "check" else (special_files / "bare.py").read_text()
    if command == "check":
        assert "bare.py:3:1: EG401" in findings
        assert "a.py:1:1: EG501" in findings
        assert result.returncode == 1
    else:
        assert "except Exception:" in findings


def test_a_fifo_named_explicitly_is_skipped_with_a_note(special_files):
    result = run_isolated("check", "pipe.py", "bare.py", cwd=special_files)
    assert "errguard: note: pipe.py: skipped, not a regular file (a FIFO)" in result.stderr
    assert "bare.py:3:1: EG401" in result.stdout
    assert result.returncode == 1


def test_the_project_index_skips_a_fifo_outside_the_checked_paths(special_files):
    # Only bare.py is checked, but EG501 and the model rules read every module of the project.
    result = run_isolated("check", "a.py", "bare.py", cwd=special_files)
    assert "a.py:1:1: EG501" in result.stdout
    assert "internal error" not in result.stderr
    assert result.returncode == 1


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Paths the test process opens while the fixture is active (an audit hook, as the suite's
    own: hooks cannot be removed, so it is switched off instead)."""
    seen: list[str] = []
    active = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if active[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            seen.append(os.fsdecode(args[0]))

    sys.addaudithook(hook)
    yield seen
    active[0] = False


def test_exclude_applies_to_the_project_index(project, opened):
    write(
        project,
        {
            "pyproject.toml": '[tool.errguard]\nexclude = ["vendor"]\n',
            "app/__init__.py": "",
            "app/views.py": BARE,
            # A module outside the checked files that the index would read.
            "vendor/__init__.py": "",
            "vendor/lib.py": "import app.views\n",
        },
    )
    opened.clear()  # writing the files opened them
    result = run_cli("check", "--no-cache")
    assert result.code == 1, result.err
    assert "app/views.py:3:1: EG401" in result.out
    assert not [path for path in opened if "vendor" in path]


def test_an_excluded_fifo_is_never_opened(project):
    write(project, {"pyproject.toml": '[tool.errguard]\nexclude = ["fifos"]\n', **CYCLE})
    (project / "fifos").mkdir()
    os.mkfifo(project / "fifos" / "pipe.py")
    result = run_isolated("check", cwd=project)
    assert "a.py:1:1: EG501" in result.stdout
    assert "pipe.py" not in result.stderr  # excluded: not even a note


@pytest.fixture
def undecodable(project: Path) -> Path:
    """A module, a package directory and a plain directory whose names are not UTF-8."""
    root = os.fsencode(project)
    for directory in (UNDECODABLE + b"_pkg", UNDECODABLE + b"_dir"):
        os.mkdir(os.path.join(root, directory))
    for name in (UNDECODABLE + b".py", UNDECODABLE + b"_dir/m.py"):
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(b"import a\n\n" + BARE.encode())
    with open(os.path.join(root, UNDECODABLE + b"_pkg/__init__.py"), "wb") as handle:
        handle.write(b"")
    write(project, {"pyproject.toml": "", **CYCLE})
    return project


@pytest.mark.parametrize("padding", [0, 70], ids=["in-process", "in-workers"])
def test_undecodable_file_names_are_checked_and_reported_escaped(undecodable, padding):
    write(undecodable, {f"pad/m{index}.py": "import a\n" for index in range(padding)})
    result = run_cli("check", "--select", "EG401,EG501")
    assert "internal error" not in result.err
    assert result.code == 1
    lines = result.out.splitlines()
    assert any(line.startswith("caf\\xe9.py:5:1: EG401") for line in lines), result.out
    assert any(line.startswith("caf\\xe9_dir/m.py:5:1: EG401") for line in lines)
    assert any(line.startswith("a.py:1:1: EG501") for line in lines)


def test_undecodable_file_names_are_fixed(undecodable):
    result = run_cli("fix", "--select", "EG401")
    assert "internal error" not in result.err
    with open(os.path.join(os.fsencode(undecodable), UNDECODABLE + b".py"), "rb") as handle:
        assert b"except Exception:" in handle.read()


def test_flake8_runs_on_undecodable_file_names(undecodable):
    pytest.importorskip("flake8")
    # flake8 itself cannot print a finding in such a file (its formatter encodes the name
    # strictly), so they hold none: the plugin must still not fail on the files that do.
    for name in (UNDECODABLE + b".py", UNDECODABLE + b"_dir/m.py"):
        with open(os.path.join(os.fsencode(undecodable), name), "wb") as handle:
            handle.write(b"import a\n")
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "EG", "."],
        cwd=undecodable,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert b"Traceback" not in completed.stderr, completed.stderr.decode(errors="replace")
    assert completed.returncode == 1
    assert b"./a.py:1:1: EG501" in completed.stdout


def test_a_byte_that_parses_but_does_not_decode_is_eg001_only(project):
    # Python's parser accepts any byte in a comment; the rules need the text.
    (project / "a.py").write_bytes(BARE.encode() + b"# caf\xe9\n")
    for format_ in ("text", "json"):
        result = run_cli("check", "--format", format_)
        assert "internal error" not in result.err
        assert result.code == 1
        assert "cannot decode file as utf-8: invalid byte 0xe9" in result.out
        assert "EG401" not in result.out


def test_a_pyproject_that_is_not_utf8_is_a_clear_error(project):
    (project / "pyproject.toml").write_bytes(b"[tool.errguard]\n# caf\xe9\n")
    write(project, {"a.py": BARE})
    result = run_cli("check")
    assert result.code == 2
    assert "internal error" not in result.err
    assert "pyproject.toml: cannot decode as UTF-8 (TOML files must be UTF-8)" in result.err


@pytest.fixture
def locked() -> Iterator[Path]:
    """A project readable by anyone, with a directory only root may enter."""
    root = Path(tempfile.mkdtemp(prefix="errguard-locked-"))
    root.chmod(0o755)
    write(root, {"ok.py": BARE, "locked/a.py": BARE, "locked/sub/b.py": BARE})
    (root / "locked").chmod(0o700)
    yield root
    (root / "locked").chmod(0o755)
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    root.rmdir()


def run_cli_unprivileged(cwd: Path, *args: str) -> CliResult:
    """The CLI in a forked child that has dropped to ``nobody``: root reads every directory."""
    if os.geteuid() != 0:
        pytest.skip("needs root to drop to another user")  # a non-root user is handled by chmod
    run_cli("check", "--no-cache", cwd)  # import what the run needs before dropping privileges
    run_cli("fix", "--diff", "--no-cache", cwd)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.chdir(cwd)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            out, err = io.StringIO(), io.StringIO()
            code = main(list(args), out=out, err=err)
            os.write(writer, json.dumps([code, out.getvalue(), err.getvalue()]).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as stream:
        data = stream.read()
    os.waitpid(pid, 0)
    code, out, err = json.loads(data)
    return CliResult(code, out, err)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("locked/a.py", "errguard: error: locked/a.py: cannot access: Permission denied"),
        ("locked/sub/b.py", "errguard: error: locked/sub/b.py: cannot access: Permission denied"),
        ("locked", "errguard: error: locked: cannot read directory: Permission denied"),
    ],
)
def test_an_explicit_path_that_cannot_be_read_is_a_clear_error(locked, path, message):
    result = run_cli_unprivileged(locked, "check", "--no-cache", path, "ok.py")
    assert "internal error" not in result.err
    assert message in result.err
    assert "ok.py:3:1: EG401" in result.out
    assert result.code == 2


def test_a_directory_that_cannot_be_read_inside_the_tree_is_a_note(locked):
    result = run_cli_unprivileged(locked, "check", "--no-cache")
    assert "internal error" not in result.err
    assert "errguard: note: locked: skipped, cannot read directory: Permission denied" in (
        result.err
    )
    assert "ok.py:3:1: EG401" in result.out
    assert result.code == 1


def test_max_file_size_applies_to_the_project_index(project, opened):
    write(
        project,
        {
            "pyproject.toml": "[tool.errguard]\nmax-file-size = 0.01\n",  # 10 KB
            "app/__init__.py": "",
            "app/views.py": BARE,
            # Generated data outside the checked files, over the user's limit (not the default).
            "app/generated.py": "ROWS = [\n" + "    (1, 2, 3),\n" * 2_000 + "]\n",
        },
    )
    opened.clear()  # writing the files opened them
    result = run_cli("check", "--no-cache", "app/views.py")
    assert result.code == 1, result.err
    assert "app/views.py:3:1: EG401" in result.out
    assert not [path for path in opened if path.endswith("generated.py")]
