from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation
from errguard.rules.queries.fixes.n_plus_one import add_loading_call


class SerializerNPlusOneFix(Fixer):
    """Append the lookups a list endpoint's serializer reads to the view's ``queryset``."""

    code = "EG105"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        data = violation.fix_data
        if data.get("span") is None:
            return None
        queryset = context.find_span(cst.BaseExpression, data["span"])  # type: ignore[type-abstract]
        if queryset is None:
            return None
        loading = queryset
        for method in ("select_related", "prefetch_related"):
            for lookup in data[method.partition("_")[0]]:
                loading = add_loading_call(loading, method, str(lookup))
        return {queryset: loading}
