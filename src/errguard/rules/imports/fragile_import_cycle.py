from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Invalid, Valid
from errguard.registry import Rule
from errguard.rules.imports._imports import report_cycles

_MODELS_IMPORTS_EXAMPLE = {
    "app/__init__.py": "",
    "app/models.py": "import example\n\n\nclass Order:\n    def audit(self):\n"
    "        return example.latest()\n",
}


class FragileImportCycle(Rule):
    """Import cycle that works today in every import order, but only just.

    ## What it does
    Reports each import that runs at import time and lies on a cycle of such imports, when no
    entry order of the cycle crashes (those are EG501): for example two modules that
    `import` each other and use each other only inside functions. Each such import is reported
    once, with the shortest cycle through it and the import that is cheapest to cut.

    Cycles that go only through imports inside functions or under `if TYPE_CHECKING:` are not
    import-time cycles and are never reported.

    ## Why is this bad?
    The cycle works because of where the names happen to be used. The first module-level use
    of an imported name (a base class, a decorator, a constant, `from m import name` instead
    of `import m`) turns it into a crash that depends on which module is imported first.
    Cycles also make modules impossible to import, test or reason about on their own.

    ## Example
    ```python
    # app/models.py
    import app.services

    # app/services.py
    import app.models
    ```

    ## Use instead
    Move the import that is used least into the functions that use it, under
    `if TYPE_CHECKING:` when only annotations need it, or move the shared code to a module
    that both import.

    ## Fix safety
    There is no fix: which import to move is a design decision. The message names the import
    that is cheapest to cut.

    This rule is opt-in: select it with `extend-select = ["EG502"]`.
    """

    code = "EG502"
    message = (
        "import cycle {chain} works today, but one module-level use of an imported name "
        "can make it crash"
    )
    help = "{advice}"
    triggers = (b"import",)
    uses_import_graph = True
    opt_in = True

    def visit_Module(self, _node: ast.Module, ctx: FileContext) -> None:
        report_cycles(self, ctx, self.code, fixable=False)

    VALID = (
        Valid(
            """
            def latest():
                import app.models

                return app.models.Order()
            """,
            files=_MODELS_IMPORTS_EXAMPLE,
        ),
        Valid(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                import app.models


            def latest() -> app.models.Order: ...
            """,
            files=_MODELS_IMPORTS_EXAMPLE,
        ),
        Valid(
            """
            from app.models import Order

            LATEST = Order


            def latest():
                return LATEST
            """,
            files={
                "app/__init__.py": "",
                "app/models.py": "from example import latest\n\n\nclass Order: ...\n",
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            import app.models


            def latest():
                return app.models.Order()
            """,
            files=_MODELS_IMPORTS_EXAMPLE,
            line=1,
            column=1,
            message="import cycle app.models:1 → example:1 → app.models works today, but one "
            "module-level use of an imported name can make it crash; cut app.models:1 → "
            "example (used only inside functions: import it there)",
        ),
    )
