from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.registry import Rule
from errguard.rules.imports._imports import report_cycles

_DESCRIBE = """
from app.models import Order


def describe(order: Order) -> str:
    return f"order {order.pk}"
"""
_ORDER_DESCRIBED = {
    "app/__init__.py": "",
    "app/models.py": """\
from example import describe


class Order:
    pk = 1

    def __str__(self):
        return describe(self)
""",
}
_ORDER_WITH_DEFAULT = {
    "app/__init__.py": "",
    "app/models.py": """\
import example


class Order:
    status = example.DEFAULT
""",
}


class ImportCycle(Rule):
    """Import cycle that crashes at import time.

    ## What it does
    Builds the project's import graph from source (absolute and relative imports, `import a.b`,
    `from package import submodule`, package `__init__` modules, `src` roots) and, for every
    cycle of imports that run at import time, replays what Python does when each module of the
    cycle is imported first: which modules are half-initialised, and which names each has
    defined so far. It reports the cycle when some entry order makes a module need a name that
    a half-initialised module defines only further down: `from m import name` (ImportError
    "cannot import name ... most likely due to a circular import"), or a module-level
    `m.NAME` in an assignment, a decorator, a base class or a default argument
    (AttributeError). The finding is on the cycle's import in each module of the cycle, with
    the chain, the failing name, and the import to cut.

    Not reported: cycles that only go through imports inside functions, under
    `if TYPE_CHECKING:` or under `if __name__ == "__main__":` (which runs only as a script);
    cycles that work in every order (see EG502); failures a surrounding `try`/`except
    ImportError` catches; modules whose names errguard cannot see (`import *` before the point
    reached, module `__getattr__`, `globals()`, `sys.modules` tricks).

    In a Django application (the project has its own settings module defining
    `INSTALLED_APPS`, not only test settings or a project template), `django.setup()` imports
    the settings, every app's `apps` and `models` modules and what `AppConfig.ready()` imports,
    in the same order on every start, before any other code of the project runs. A cycle those
    modules reach at import time is reported only when start-up itself crashes on it: when
    every module start-up enters it through crashes. Otherwise the module a crash would need
    imported first has always been imported already. In a reusable app (no settings of its
    own), its users' `INSTALLED_APPS` decide the order (another app's `models` may import any
    of its modules first), so every crashing order is reported.

    ## Why is this bad?
    Whether it crashes depends on which module happens to be imported first: a new test, a
    management command, a Celery worker or a changed `INSTALLED_APPS` order imports the other
    module first, and the process dies at start-up with an error that names neither the
    cause nor the fix.

    ## Example
    ```python
    # app/tasks.py
    from app.models import Order

    def process(order: Order) -> None: ...

    # app/models.py
    from app.tasks import process
    ```

    ## Use instead
    ```python
    # app/tasks.py
    from __future__ import annotations

    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        from app.models import Order
    ```

    ## Fix safety
    When the names an import binds are read only in annotations, the fix moves the import under
    `if TYPE_CHECKING:` (an existing block, or a new one after the imports), adding
    `from typing import TYPE_CHECKING` and `from __future__ import annotations` when missing.
    Nothing that runs needs the import any more, so this is safe; it is unsafe when something
    in the module may evaluate annotations at run time (a decorator errguard does not know,
    class-level annotations on classes other than plain classes, dataclasses and Django models,
    `get_type_hints`). When the names are read only inside functions, the unsafe fix moves the
    import into each of those functions: the imported module's side effects then happen on
    first call instead of at import. Neither is offered when another module of the project
    imports one of the moved names from this module (`from this import name`, or `this.name`
    after `import this`): the name would no longer exist at run time and that module would
    fail. Otherwise there is no fix, and the message names the
    import to cut. The fix is offered only when the import is alone at the top of a module (not
    a package `__init__`, whose imports may be re-exports) and no other import of the module
    keeps the cycle.
    """

    code = "EG501"
    message = "import cycle crashes when {entry} is imported first: {chain} ({reason})"
    help = "{advice}"
    triggers = (b"import",)
    uses_import_graph = True
    fix = Applicability.SAFE
    fix_title = "{title}"

    def visit_Module(self, _node: ast.Module, ctx: FileContext) -> None:
        report_cycles(self, ctx, self.code, fixable=True)

    VALID = (
        Valid(
            """
            from shop.models import Order


            def order_saved(order):
                print("saved", order)
            """,
            files={
                # An application: django.setup() imports shop.models first, in the order that
                # works, so example.py is never the first of the two to be imported.
                "settings.py": 'INSTALLED_APPS = ["shop"]\n',
                "shop/__init__.py": "",
                "shop/models.py": (
                    "from django.db import models\n\n\nclass Order(models.Model):\n"
                    "    pass\n\n\nfrom example import order_saved  # noqa: E402\n"
                ),
            },
        ),
        Valid(
            """
            from app.models import Order


            def describe(order):
                return "order"
            """,
            files={
                "app/__init__.py": "",
                # The import back runs only when models.py is run as a script.
                "app/models.py": (
                    "class Order:\n    pass\n\n\nif __name__ == '__main__':\n"
                    "    from example import describe\n\n    print(describe(Order()))\n"
                ),
            },
        ),
        Valid(
            """
            def helper():
                return "ok"


            from app.models import Order  # noqa: E402
            """,
            files={
                "app/__init__.py": "",
                "app/models.py": "class Order:\n    pass\n\n\nfrom example import helper\n",
            },
        ),
        Valid(
            """
            def latest():
                from app.models import Order

                return Order()
            """,
            files={"app/__init__.py": "", "app/models.py": "from example import latest\n"},
        ),
        Valid(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app.models import Order


            def describe(order: Order) -> str:
                return "order"
            """,
            files=_ORDER_DESCRIBED,
        ),
        Valid(
            """
            try:
                from app.models import Order
            except ImportError:
                Order = None


            def describe(order):
                return "order"
            """,
            files=_ORDER_DESCRIBED,
        ),
        Valid(
            """
            import app.models


            def latest():
                return app.models.Order()
            """,
            files={"app/__init__.py": "", "app/models.py": "import example\n\nclass Order: ...\n"},
        ),
        Valid(
            """
            from app.models import Order  # noqa: EG501


            def describe(order):
                return Order
            """,
            files=_ORDER_DESCRIBED,
        ),
    )
    INVALID = (
        Invalid(
            """
            from shop.models import Order


            def order_saved(order):
                print("saved", order)
            """,
            files={
                # Start-up itself crashes: shop.models needs example.py before defining Order.
                "settings.py": 'INSTALLED_APPS = ["shop"]\n',
                "shop/__init__.py": "",
                "shop/models.py": (
                    "from django.db import models\n\nfrom example import order_saved\n\n\n"
                    "class Order(models.Model):\n    pass\n"
                ),
            },
            line=1,
        ),
        Invalid(
            """
            from app.models import Order

            AUDITED = [Order]


            def notify(order):
                print("saved", order)
            """,
            files={
                "app/__init__.py": "",
                "app/models.py": """\
from example import notify


class Order:
    def save(self):
        notify(self)
""",
            },
            line=1,
            column=1,
            message="import cycle crashes when app.models is imported first: "
            "app.models:1 → example:1 → app.models (cannot import name 'Order': defined at "
            "line 4, after the import); cut app.models:1 → example (used only inside "
            "functions: import it there)",
        ),
        Invalid(
            _DESCRIBE,
            files=_ORDER_DESCRIBED,
            line=1,
            fixed="""
            from __future__ import annotations

            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app.models import Order


            def describe(order: Order) -> str:
                return f"order {order.pk}"
            """,
        ),
        Invalid(
            _DESCRIBE,
            # Another module imports Order from here: moving the import would break it.
            files={**_ORDER_DESCRIBED, "app/views.py": "from example import Order\n"},
            line=1,
            fixed=None,
        ),
        Invalid(
            '''
            """Receipts."""
            import logging
            from typing import TYPE_CHECKING

            from app.models import Order

            if TYPE_CHECKING:
                from decimal import Decimal

            logger = logging.getLogger(__name__)


            def describe(order: Order, total: Decimal) -> str:
                return f"order {order.pk}: {total}"
            ''',
            files=_ORDER_DESCRIBED,
            line=5,
            fixed='''
            """Receipts."""
            from __future__ import annotations

            import logging
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from decimal import Decimal
                from app.models import Order

            logger = logging.getLogger(__name__)


            def describe(order: Order, total: Decimal) -> str:
                return f"order {order.pk}: {total}"
            ''',
        ),
        Invalid(
            """
            from app.models import Order

            DEFAULT = "new"


            def latest():
                return Order.objects.last()
            """,
            files=_ORDER_WITH_DEFAULT,
            message="import cycle crashes when app.models is imported first: "
            "app.models:1 → example:1 → app.models (cannot import name 'Order': defined at "
            "line 4, after the import); cut example:1 → app.models (used only inside "
            "functions: import it there)",
            unsafe_fixed="""
            DEFAULT = "new"


            def latest():
                from app.models import Order
                return Order.objects.last()
            """,
        ),
        Invalid(
            """
            from app import VERSION


            def helper():
                return VERSION
            """,
            files={"app/__init__.py": 'from example import helper\n\nVERSION = "1.0"\n'},
            message="import cycle crashes when app is imported first: app:1 → example:1 → app "
            "(cannot import name 'VERSION': defined at line 3, after the import); "
            "cut example:1 → app (used only inside functions: import it there)",
            unsafe_fixed="""
            def helper():
                from app import VERSION
                return VERSION
            """,
        ),
        Invalid(
            """
            import app.models


            @app.models.register
            def handler():
                pass
            """,
            files={
                "app/__init__.py": "",
                "app/models.py": "import example\n\n\ndef register(function):\n"
                "    return function\n",
            },
            message="import cycle crashes when app.models is imported first: app.models:1 → "
            "example:1 → app.models (example:4 reads app.models while app.models is still "
            "being imported); cut app.models:1 → example (nothing there reads what it "
            "imports)",
        ),
    )
