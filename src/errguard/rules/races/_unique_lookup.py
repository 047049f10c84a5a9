"""Whether a check's lookup is backed by a unique constraint, as far as the model index shows.

A related manager (``product.attribute_values``) filters on its foreign key implicitly, so the
key joins the lookup (``unique_together = ("attribute", "product")`` covers ``attribute=...``).
``cls.objects`` in a classmethod is the enclosing model. A model errguard cannot see (a
third-party app's) gives no answer rather than a claim that no constraint exists.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from errguard.detect.context import FileContext
from errguard.project.models.index import ModelInfo
from errguard.rules.races._races import ManagerChain, base_field


def unique_lookup(
    chain: ManagerChain, lookup: Mapping[str, ast.expr], function: ast.AST, ctx: FileContext
) -> tuple[bool | None, str]:
    """(True/False when the index knows whether the lookup is unique, else None; the fields a
    constraint would cover, for the message)."""
    fields = [base_field(key) for key in lookup]
    model, implicit = _model_of(chain, function, ctx)
    shown = ", ".join([*implicit, *fields]) or "the lookup"
    if model is None or model.inferred or any("__" in key for key in lookup):
        return (None if model is None or model.inferred else False), shown
    return model.is_unique([*implicit, *fields]), shown


def _model_of(
    chain: ManagerChain, function: ast.AST, ctx: FileContext
) -> tuple[ModelInfo | None, list[str]]:
    if chain.model is not None:
        return chain.model, []
    if chain.model_text == "cls":
        owner = _enclosing_class(function, ctx)
        return (ctx.models.get(f"{ctx.module}.{owner}") if owner else None), []
    return _related_manager_model(chain.manager.attr, ctx)


def _enclosing_class(function: ast.AST, ctx: FileContext) -> str | None:
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.ClassDef) and any(item is function for item in stmt.body):
            return stmt.name
    return None


def _related_manager_model(accessor: str, ctx: FileContext) -> tuple[ModelInfo | None, list[str]]:
    """The related model a reverse foreign key accessor reaches, when only one model in the
    index has an accessor of that name."""
    found = {
        (relation.target, relation.remote)
        for info in ctx.models.models.values()
        for relation in info.relations.values()
        if relation.name == accessor and relation.kind == "reverse_fk" and relation.target
    }
    if len(found) != 1:
        return None, []
    target, remote = found.pop()
    return ctx.models.models.get(target or ""), [remote] if remote else []
