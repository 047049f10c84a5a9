"""Views only the people and machines that run the installation can open, for EG404.

A system administrator or superuser configures the installation, reads its logs and can run
any code on it through the admin: an exception's text shown to them discloses nothing they
cannot see anyway, and is often the point of a diagnostic page. The same holds for an
endpoint that admits only the addresses its settings list (a mail server's archiver hook).
Staff users and object permissions are not enough: they are the project's users, not its
operators.
"""

from __future__ import annotations

import ast

from errguard.astutil import dotted_name, last_part
from errguard.rules.exceptions._values import WORD

# Words in a permission mixin's or decorator's name that restrict it to the operators
# (``AdministratorPermissionRequiredMixin``, ``SuperuserRequiredMixin``, ``superuser_required``).
_OPERATOR_WORDS = ("superuser", "administrator")
_RESTRICTION_WORDS = frozenset({"required", "only", "permission"})
_SUPERUSER_TEST = "is_superuser"


def operator_only_functions(tree: ast.Module) -> frozenset[int]:
    """``id`` of the functions only administrators and superusers can reach: the methods of a
    class deriving (in this module or directly) from an administrator-only mixin, and the
    functions such a decorator wraps, ``user_passes_test(lambda u: u.is_superuser)`` too;
    and the views a decorator of the module guards with an address list from the settings."""
    classes = {stmt.name: stmt for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    address_checks = {
        stmt.name
        for stmt in tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _admits_listed(stmt)
    }
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and _restricted_class(node, classes, set()):
            found.update(
                id(member)
                for member in node.body
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            _restricting(decorator) or dotted_name(decorator) in address_checks
            for decorator in node.decorator_list
        ):
            found.add(id(node))
    return frozenset(found)


def _admits_listed(decorator: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A decorator that compares the client's address with a list in the settings
    (``request.META.get("REMOTE_ADDR") not in settings.ARCHIVER_FROM``)."""
    for node in ast.walk(decorator):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        if isinstance(node.ops[0], (ast.In, ast.NotIn)) and _client_address(node.left):
            setting = dotted_name(node.comparators[0]) or ""
            if setting.startswith("settings."):
                return True
    return False


def _client_address(node: ast.expr) -> bool:
    return any(
        isinstance(child, ast.Constant) and child.value == "REMOTE_ADDR" for child in ast.walk(node)
    )


def _restricted_class(cls: ast.ClassDef, classes: dict[str, ast.ClassDef], seen: set[str]) -> bool:
    seen.add(cls.name)
    for base in cls.bases:
        name = last_part(dotted_name(base))
        if _names_operators(name):
            return True
        parent = classes.get(name)
        if parent is not None and name not in seen and _restricted_class(parent, classes, seen):
            return True
    return False


def _restricting(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = last_part(dotted_name(target))
    if _names_operators(name):
        return True
    if name == "method_decorator" and isinstance(decorator, ast.Call) and decorator.args:
        return _restricting(decorator.args[0])
    if name != "user_passes_test" or not isinstance(decorator, ast.Call) or not decorator.args:
        return False
    test = decorator.args[0]
    # ``lambda u: u.is_superuser``: a test that needs the superuser flag, whatever else it asks.
    return isinstance(test, ast.Lambda) and _requires_superuser(test.body)


def _requires_superuser(test: ast.expr) -> bool:
    if isinstance(test, ast.Attribute):
        return test.attr == _SUPERUSER_TEST
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_requires_superuser(value) for value in test.values)
    return False


def _names_operators(name: str) -> bool:
    """A restriction to the operators alone: ``staff_or_superuser_required`` lets staff in."""
    words = {word.lower() for word in WORD.findall(name)}
    lowered = name.lower()
    return (
        any(word in lowered for word in _OPERATOR_WORDS)
        and not words.isdisjoint(_RESTRICTION_WORDS)
        and "or" not in words
    )
