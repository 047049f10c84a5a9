"""Generated packages with import cycles, and a driver that imports them for real.

Each case is a package ``pkg`` whose modules import each other in a ring. Every module of the
ring picks how it imports the next one (``from m import name``, relative, ``import a.b``,
``import a.b as c``, ``from pkg import sub``, ``from . import sub``), where that import runs
(module level, inside ``if``, ``try/except ImportError``, a class body, a function,
``if TYPE_CHECKING:``), how it uses what it imports at import time (not at all, a constant, a
decorator, a base class, a default argument, an evaluated annotation, annotations only), and
whether its own names are defined before or after its import. ``run_imports`` imports every
module of every case as the first import of a fresh interpreter (a fork of a clean driver).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

FORMS = ("from_name", "from_relative", "import", "import_as", "from_package", "from_dot")
PLACES = ("module", "if", "try", "class_body", "function", "type_checking")
USES = ("none", "value", "decorator", "base", "default", "annotation", "annotations_only")


@dataclass(frozen=True)
class Link:
    """How one module of the ring imports the next one."""

    form: str
    place: str
    use: str
    defined_first: bool  # the module's own names come before its import


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def _package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def applicable(form: str, importer: str, target: str, packages: set[str]) -> bool:
    parent = target.rpartition(".")[0]
    if form == "from_package":
        return bool(parent) and target != importer
    if form == "from_dot":
        return bool(parent) and parent == _package_of(importer, importer in packages)
    if form == "from_relative":
        return target.startswith(_package_of(importer, importer in packages))
    return True


def _import_statement(
    link: Link, importer: str, target: str, packages: set[str]
) -> tuple[str, str]:
    """The statement, and the prefix that reaches the target's names (``""`` or ``"m."``)."""
    short = _short(target)
    names = f"NAME_{short}, deco_{short}, Base_{short}"
    if link.form == "from_name":
        return f"from {target} import {names}", ""
    if link.form == "from_relative":
        base = _package_of(importer, importer in packages)
        rest = target[len(base) :].lstrip(".")
        return f"from .{rest} import {names}", ""
    if link.form == "import":
        return f"import {target}", f"{target}."
    if link.form == "import_as":
        return f"import {target} as {short}_module", f"{short}_module."
    parent = target.rpartition(".")[0]
    source = "." if link.form == "from_dot" else parent
    return f"from {source} import {short}", f"{short}."


def _fallback(ref: str, short: str) -> str:
    """What the ``except ImportError:`` branch binds: the same names, with stand-in values."""
    values = f"NAME_{short}=0, deco_{short}=staticmethod, Base_{short}=object"
    if not ref:
        return f"NAME_{short}, deco_{short}, Base_{short} = 0, staticmethod, object"
    root, *attributes = ref.rstrip(".").split(".")
    value = f"types.SimpleNamespace({values})"
    for name in reversed(attributes):
        value = f"types.SimpleNamespace({name}={value})"
    return f"import types\n    {root} = {value}"


def _wrapped(statement: str, link: Link, ref: str, short: str) -> str:
    if link.place == "if":
        return f"if sys.version_info[0] >= 3:\n    {statement}"
    if link.place == "try":
        fallback = _fallback(ref, short)
        return f"try:\n    {statement}\nexcept ImportError:\n    {fallback}"
    if link.place == "class_body":
        return f"class Holder:\n    {statement}"
    if link.place == "function":
        return f"def load():\n    {statement}\n    return 0"
    if link.place == "type_checking":
        return f"if TYPE_CHECKING:\n    {statement}"
    return statement


def _use(link: Link, ref: str, me: str) -> str:
    if link.use == "value":
        return f"VALUE_{me} = {ref}NAME_{{t}}"
    if link.use == "decorator":
        return f"@{ref}deco_{{t}}\ndef decorated_{me}():\n    return 0"
    if link.use == "base":
        return f"class Derived_{me}({ref}Base_{{t}}):\n    pass"
    if link.use == "default":
        return f"def defaulted_{me}(value={ref}NAME_{{t}}):\n    return value"
    if link.use == "annotation":
        return f"def annotated_{me}(value: {ref}Base_{{t}}) -> None:\n    pass"
    return ""


def module_source(link: Link, importer: str, target: str, packages: set[str]) -> str:
    me, short = _short(importer), _short(target)
    statement, ref = _import_statement(link, importer, target, packages)
    wrapped = _wrapped(statement, link, ref, short)
    if link.place == "class_body":
        ref = f"Holder.{ref}" if ref else "Holder."
    runs_later = link.place in ("function", "type_checking")
    own = f"NAME_{me} = 1\n\n\ndef deco_{me}(function):\n    return function\n\n\nclass Base_{me}:\n    pass\n"
    header = "from __future__ import annotations\n\n" if link.place == "type_checking" else ""
    header += "import sys\nfrom typing import TYPE_CHECKING\n\n"
    use = "" if runs_later else _use(link, ref, me).replace("{t}", short)
    if link.place == "function":
        tail = f"def read_{me}():\n    load()\n    return 0\n"
    elif link.use == "annotations_only" or link.place == "type_checking":
        tail = f"def typed_{me}(value: {ref}Base_{short}) -> {ref}Base_{short}:\n    return value\n"
    else:
        tail = f"def read_{me}():\n    return {ref}NAME_{short}\n"
    parts = [header]
    parts += [own] if link.defined_first else []
    parts += [wrapped, use]
    parts += [] if link.defined_first else [own]
    parts.append(tail)
    return "\n\n".join(part.strip("\n") for part in parts if part.strip()) + "\n"


def ring(modules: list[str], links: list[Link], packages: set[str]) -> dict[str, str]:
    """Files of a package whose ``modules`` import each other in a ring."""
    files = {f"{p.replace('.', '/')}/__init__.py": "" for p in packages}
    for index, (module, link) in enumerate(zip(modules, links, strict=True)):
        target = modules[(index + 1) % len(modules)]
        path = (
            f"{module.replace('.', '/')}/__init__.py"
            if module in packages
            else f"{module.replace('.', '/')}.py"
        )
        files[path] = module_source(link, module, target, packages)
    return files


def _random_link(rng: random.Random, importer: str, target: str, packages: set[str]) -> Link:
    forms = [f for f in FORMS if applicable(f, importer, target, packages)]
    return Link(rng.choice(forms), rng.choice(PLACES), rng.choice(USES), rng.random() < 0.3)


RINGS = (
    (["pkg.a", "pkg.b"], {"pkg"}),
    (["pkg.a", "pkg.b", "pkg.c"], {"pkg"}),
    (["pkg.a", "pkg.b", "pkg.c", "pkg.d"], {"pkg"}),
    (["pkg", "pkg.a"], {"pkg"}),
    (["pkg", "pkg.a", "pkg.b"], {"pkg"}),
    (["pkg.a", "pkg.sub.c"], {"pkg", "pkg.sub"}),
    (["pkg.sub", "pkg.a"], {"pkg", "pkg.sub"}),
)


def generate(count: int, seed: int = 5) -> dict[str, dict[str, str]]:
    """``count`` cases, every one different, the same ones for the same seed."""
    rng = random.Random(seed)
    cases: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    while len(cases) < count:
        modules, packages = RINGS[len(cases) % len(RINGS)]
        links = [
            _random_link(rng, module, modules[(i + 1) % len(modules)], packages)
            for i, module in enumerate(modules)
        ]
        files = ring(modules, links, packages)
        key = json.dumps(files, sort_keys=True)
        if key not in seen:
            seen.add(key)
            cases[f"case{len(cases):03d}"] = files
    return cases


def write_cases(root: Path, cases: dict[str, dict[str, str]]) -> None:
    for name, files in cases.items():
        directory = root / name
        directory.mkdir(parents=True)
        (directory / "pyproject.toml").write_text("[project]\nname = 'case'\n")
        for path, text in files.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)


def modules_of(files: dict[str, str]) -> list[str]:
    names = []
    for path in files:
        parts = path.removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return sorted(names)


_DRIVER = textwrap.dedent(
    """
    import importlib, json, os, sys, traceback
    sys.dont_write_bytecode = True
    jobs = json.load(sys.stdin)
    results = {}
    for directory, modules in jobs:
        for module in modules:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                sys.path.insert(0, directory)
                try:
                    importlib.import_module(module)
                    message = ""
                except BaseException as exc:
                    message = f"{type(exc).__name__}: {exc}"
                os.write(write, message.encode())
                os._exit(0)
            os.close(write)
            chunks = []
            while chunk := os.read(read, 65536):
                chunks.append(chunk)
            os.close(read)
            os.waitpid(pid, 0)
            results.setdefault(directory, {})[module] = b"".join(chunks).decode()
    json.dump(results, sys.stdout)
    """
)


def run_imports(root: Path, cases: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """``{case: {module: "" or "ErrorType: message"}}``, each module imported first."""
    jobs = [[str(root / name), modules_of(files)] for name, files in cases.items()]
    completed = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    by_directory = json.loads(completed.stdout)
    return {name: by_directory[str(root / name)] for name in cases}
