"""Rule base class and the registry every rule joins by being defined.

A rule is one class in ``errguard/rules/<family>/<slug>.py``, its fix (if any) one class in
``errguard/rules/<family>/fixes/<slug>.py``. Defining the class registers it; ``load_rules``
imports every rule module under ``errguard.rules`` (and ``errguard.fixes.load_fixers`` every fix
module), so adding a rule needs no other edit.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from errguard.config import KnownRule
from errguard.models import Applicability, Invalid, Valid, Violation

if TYPE_CHECKING:
    from errguard.detect.context import FileContext
    from errguard.detect.source import SourceFile

CODE_PATTERN = re.compile(r"^EG\d{3}$")
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")

_REGISTRY: dict[str, type[Rule]] = {}


class RegistryError(Exception):
    """A rule is defined wrongly (duplicate or malformed code)."""


@dataclass(frozen=True)
class Option:
    """A per-rule setting read from ``[tool.errguard.rules.<CODE>]``."""

    kind: type
    default: Any
    help: str


Visitor = Callable[[ast.AST, "FileContext"], None]


class Rule:
    """Base class of every rule.

    Subclasses set ``code`` and ``message`` (a ``str.format`` template) and define
    ``visit_<NodeType>(self, node, ctx)`` methods; the engine calls them during its single walk.
    ``help`` (a template too) is the advice: what to do about a finding. A finding's full message
    is ``message``, ``help_separator`` and ``help``; the full format shows the advice on a
    ``help:`` line of its own.
    """

    code: ClassVar[str]
    message: ClassVar[str]
    help: ClassVar[str] = ""
    help_separator: ClassVar[str] = "; "
    # The default tier of this rule's fix; None when the rule has no fix.
    fix: ClassVar[Applicability | None] = None
    fix_title: ClassVar[str] = ""
    # Opt-in rules run only when selected by their full code.
    opt_in: ClassVar[bool] = False
    # The same check in other linters (flake8/ruff codes, pylint ids and names): off when the
    # project's configuration of one of them ignores it (``other_linters``).
    same_check: ClassVar[tuple[str, ...]] = ()
    # Byte strings of which at least one must occur in a file for the rule to be able to fire;
    # files without any are not walked for this rule. Empty: always run.
    triggers: ClassVar[tuple[bytes, ...]] = ()
    # Rules that read the project's model index; the CLI builds it before starting workers.
    uses_models: ClassVar[bool] = False
    # Rules that read the project's import graph and cycles; built before starting workers too.
    uses_import_graph: ClassVar[bool] = False
    # Rules that judge the other rules' findings (``review``) rather than the code.
    reviews_findings: ClassVar[bool] = False
    options: ClassVar[Mapping[str, Option]] = {}
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        given = dict(settings or {})
        self.settings = {name: given.get(name, opt.default) for name, opt in self.options.items()}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is None:
            return
        if not CODE_PATTERN.match(code):
            raise RegistryError(f"{cls.__qualname__}: rule code {code!r} is not of the form EG123")
        existing = _REGISTRY.get(code)
        same_class = existing is not None and (existing.__module__, existing.__qualname__) == (
            cls.__module__,
            cls.__qualname__,
        )
        if existing is not None and not same_class:
            raise RegistryError(
                f"duplicate rule code {code}: {existing.__module__}.{existing.__qualname__} "
                f"and {cls.__module__}.{cls.__qualname__}"
            )
        _REGISTRY[code] = cls

    @classmethod
    def slug(cls) -> str:
        return cls.__module__.rsplit(".", 1)[-1].replace("_", "-")

    @classmethod
    def message_template(cls) -> str:
        """The template of a finding's full message, advice included."""
        return f"{cls.message}{cls.help_separator}{cls.help}" if cls.help else cls.message

    @classmethod
    def summary(cls) -> str:
        """First line of the docstring: used in ``errguard rules`` and SARIF short descriptions."""
        return inspect.cleandoc(cls.__doc__ or "").split("\n", 1)[0]

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def visitors(self) -> Iterator[tuple[type[ast.AST], Visitor]]:
        """(node type, bound visit method) pairs, for the engine's dispatch table."""
        for name in dir(type(self)):
            if name.startswith("visit_"):
                node_type = getattr(ast, name[len("visit_") :], None)
                if not (isinstance(node_type, type) and issubclass(node_type, ast.AST)):
                    owner = getattr(self, "code", type(self).__qualname__)
                    raise RegistryError(f"{owner}: {name} names no ast node type")
                yield node_type, getattr(self, name)

    def review(
        self, source: SourceFile, findings: Sequence[Violation], enabled: frozenset[str]
    ) -> list[Violation]:
        """Findings about the other rules' findings, for rules with ``reviews_findings`` (EG002
        judges ``# noqa`` comments): called once per checked file after the walk, with every
        finding before ``# noqa`` applies and the codes that ran on the file."""
        raise NotImplementedError

    def report(
        self,
        ctx: FileContext,
        node: ast.AST,
        *,
        end_node: ast.AST | None = None,
        end: tuple[int, int] | None = None,
        fix: Applicability | bool | None = True,
        fix_data: Mapping[str, Any] | None = None,
        **message_args: Any,
    ) -> None:
        """Record a finding at ``node``, ending with ``end_node`` or at ``end`` (line, ast column).

        ``fix=True`` means the rule's default tier; ``False``/``None`` means no fix for this one.
        """
        tier = self.fix if fix is True else (None if fix is False else fix)
        advice = self.help.format(**message_args)
        ctx.add(
            self.code,
            self.message_template().format(**message_args),
            node,
            help=advice,
            end_node=end_node,
            end=end,
            fix=tier,
            fix_data=fix_data or {},
        )


Function = ast.FunctionDef | ast.AsyncFunctionDef


class FunctionRule(Rule):
    """A rule that looks at one function or method at a time (``check_function``)."""

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self.check_function(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self.check_function(node, ctx)

    def check_function(self, function: Function, ctx: FileContext) -> None:
        raise NotImplementedError


RULES_PACKAGE = "errguard.rules"
# The package in each family that holds its fixes, one module per fixable rule.
FIXES_PACKAGE = "fixes"


def _modules() -> Iterator[tuple[str, ...]]:
    """The modules under ``errguard.rules``, at any depth, as name parts below it."""
    package = importlib.import_module(RULES_PACKAGE)
    for module in pkgutil.walk_packages(package.__path__, f"{RULES_PACKAGE}."):
        if not module.ispkg:
            yield tuple(module.name[len(RULES_PACKAGE) + 1 :].split("."))


def rule_modules() -> list[str]:
    """The modules that define rules: every public module outside the ``fixes`` packages
    (private ``_name`` modules and packages hold analyses and shared helpers)."""
    return [
        ".".join((RULES_PACKAGE, *parts))
        for parts in _modules()
        if FIXES_PACKAGE not in parts and not any(part.startswith("_") for part in parts)
    ]


def fix_modules() -> list[str]:
    """The modules that define fixes: the public modules of the families' ``fixes`` packages."""
    return [
        ".".join((RULES_PACKAGE, *parts))
        for parts in _modules()
        if parts[-2:-1] == (FIXES_PACKAGE,) and not any(part.startswith("_") for part in parts)
    ]


@functools.cache
def load_rules() -> dict[str, type[Rule]]:
    """Import every rule module under ``errguard.rules`` and return the registry, sorted by code."""
    for name in rule_modules():
        importlib.import_module(name)
    return dict(sorted(_REGISTRY.items()))


def known_rules() -> dict[str, KnownRule]:
    """The rules as the configuration checks them: codes, opt-in, and option types."""
    return {
        code: KnownRule(rule.opt_in, {name: option.kind for name, option in rule.options.items()})
        for code, rule in load_rules().items()
    }


def same_checks(rules: Mapping[str, type[Rule]]) -> dict[str, tuple[str, ...]]:
    """Each rule's equivalents in other linters, for the rules that have some."""
    return {code: rule.same_check for code, rule in rules.items() if rule.same_check}


def get_rule(code: str) -> type[Rule]:
    rules = load_rules()
    try:
        return rules[code.upper()]
    except KeyError:
        raise KeyError(f"unknown rule code {code!r}") from None
