"""The model a class name denotes when the index cannot read its source (queries and races)."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from errguard.astutil import dotted_name, qualified_name
from errguard.project.models.index import ModelIndex, ModelInfo


def inferred_model(
    node: ast.expr, imports: Mapping[str, str], models: ModelIndex
) -> ModelInfo | None:
    """The model an imported class name (``Order`` in ``Order.objects``) denotes, inferred
    from that use when the index cannot read its source."""
    name = dotted_name(node)
    if name is None or name.partition(".")[0] not in imports:
        return None
    qualified = qualified_name(node, imports) or ""
    module, _, class_name = qualified.rpartition(".")
    if not module or not class_name[:1].isupper():
        return None
    return models.inferred(qualified)
