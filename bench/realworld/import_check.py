"""Import every module of a project tree in a throwaway interpreter, for fix_safety.py.

Each tree is imported by ``import_probe.py`` in a fresh subprocess of this interpreter: the
tree's directory first on ``sys.path``, Django configured with the project's own apps that
``django.setup()`` accepts (found once, on the original tree, and used for both trees), no
bytecode written, an empty temporary ``HOME`` and working directory, no network (a network
namespace of its own when ``unshare`` can make one, sockets refused in-process otherwise), a
time limit per module, and a watchdog that ends an interpreter that stops making progress;
the remaining modules then go on in a new one. The tree imported is a copy made for the run,
so what the project's code writes at import lands in nothing that is checked or kept.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from errguard.project.modules import import_root, module_name

PROBE = Path(__file__).resolve().parent / "import_probe.py"
SECONDS = 30  # one module's import, or one try of django.setup()
_PART = re.compile(r"\w+")


@dataclass
class TreeImports:
    """What importing each module of one tree gave: ``None`` when it imported, else the error."""

    apps: list[str] = field(default_factory=list)
    setup_error: str | None = None
    results: dict[str, str | None] = field(default_factory=dict)

    @property
    def imported(self) -> set[str]:
        return {module for module, error in self.results.items() if error is None}


def tree_modules(root: Path) -> list[str]:
    """Modules of the packages under ``root``, importable with ``root`` on ``sys.path``.

    ``__main__`` modules are left out: importing one runs a program.
    """
    root = root.absolute()
    found = []
    for path in sorted(root.rglob("*.py")):
        if not path.is_file() or import_root(path) != root:
            continue
        name = module_name(path)
        parts = name.split(".")
        in_package = len(parts) > 1 or path.name == "__init__.py"
        if in_package and parts[-1] != "__main__" and all(map(_PART.fullmatch, parts)):
            found.append(name)
    return sorted(set(found))


def candidate_apps(modules: list[str]) -> list[str]:
    """Packages that look like Django apps: they hold an ``apps`` or ``models`` module."""
    split = [module.rsplit(".", 1) for module in modules]
    return sorted(
        {parts[0] for parts in split if parts[-1] in ("apps", "models") and len(parts) > 1}
    )


def broken_imports(before: TreeImports, after: TreeImports) -> list[str]:
    """Modules that imported in the original tree and do not in the fixed one, with the error."""
    return [
        f"{module}: {after.results.get(module) or 'not tried'}"
        for module in sorted(before.imported - after.imported)
    ]


@functools.cache
def _network_namespace() -> list[str]:
    """``unshare -rn``: the command's own network namespace, when this machine allows one."""
    if shutil.which("unshare") is None:
        return []
    completed = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    return ["unshare", "-rn"] if completed.returncode == 0 else []


def _probe(tree: Path, scratch: Path, request: dict[str, Any]) -> list[dict[str, Any]]:
    """Run import_probe.py on ``tree`` once; its records, even when it died or hung."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=scratch))
    results = home / "results.jsonl"
    request = {**request, "root": str(tree), "results": str(results), "seconds": SECONDS,
               "block_sockets": not _network_namespace()}  # fmt: skip
    (home / "request.json").write_text(json.dumps(request))
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
                   "TMPDIR": str(home), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
                   "PYTHONHASHSEED": "0"}  # fmt: skip
    # -P (3.11+) keeps the probe's own directory off sys.path; -I does that on 3.10.
    safe_path = "-P" if sys.version_info >= (3, 11) else "-I"
    command = [*_network_namespace(), sys.executable, "-B", safe_path, str(PROBE), "request.json"]
    with (home / "output.txt").open("wb") as output:
        process = subprocess.Popen(
            command, cwd=home, env=environment, stdin=subprocess.DEVNULL, stdout=output,
            stderr=output, start_new_session=True,
        )  # fmt: skip
        _watch(process, results)
    records = [json.loads(line) for line in results.read_text().splitlines()]
    shutil.rmtree(home, ignore_errors=True)
    return records


def _watch(process: subprocess.Popen[bytes], results: Path) -> None:
    """Wait for ``process``, ended when it writes nothing for too long; then end what is left
    of its process group (processes the modules started), also when this one is interrupted."""
    last_size, last_change = -1, time.monotonic()
    try:
        while process.poll() is None:
            size = results.stat().st_size if results.exists() else 0
            if size != last_size:
                last_size, last_change = size, time.monotonic()
            elif time.monotonic() - last_change > 4 * SECONDS:
                break
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def _copy_of(tree: Path, scratch: Path) -> Iterator[Path]:
    # Always the same path, so that both trees are imported from the same place.
    copy = scratch / "imported" / tree.name
    shutil.copytree(tree, copy, symlinks=True)
    try:
        yield copy
    finally:
        shutil.rmtree(copy)


def _find_apps(tree: Path, scratch: Path, modules: list[str]) -> list[str]:
    """The project's apps ``django.setup()`` accepts in ``tree`` (an empty list if none)."""
    request = {"command": "apps", "candidates": candidate_apps(modules)}
    found = [record["apps"] for record in _probe(tree, scratch, request) if "apps" in record]
    return found[0] if found else []


def import_tree(
    tree: Path, scratch: Path, modules: list[str], apps: list[str] | None = None
) -> TreeImports:
    """Import ``modules`` from a copy of ``tree``, with these Django ``apps`` (found in the copy
    when None). A module that kills the interpreter or hangs is recorded as failed and the rest
    go on in a new one."""
    with _copy_of(tree, scratch) as copy:
        outcome = TreeImports(apps=_find_apps(copy, scratch, modules) if apps is None else apps)
        remaining = list(modules)
        while remaining:
            request = {"command": "import", "modules": remaining, "apps": outcome.apps}
            started = None
            for record in _probe(copy, scratch, request):
                if "setup" in record and not outcome.results:
                    outcome.setup_error = record["setup"]
                elif "start" in record:
                    started = record["start"]
                elif "module" in record:
                    outcome.results[record["module"]] = record["error"]
                    started = None
            if started is not None:
                outcome.results[started] = "the interpreter died or hung importing it"
            remaining = [module for module in modules if module not in outcome.results]
            if started is None and remaining:  # the probe itself failed: nothing more to learn
                outcome.results.update(dict.fromkeys(remaining, "not imported: the probe failed"))
                break
    return outcome
