from __future__ import annotations

import ast

from errguard.astutil import rebinds, walk_scope
from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.project.modules import runs_once_or_in_tests
from errguard.registry import Function, FunctionRule
from errguard.rules._shared.example_models import SHOP
from errguard.rules.races._caller_locks import self_locked_by_callers
from errguard.rules.races._lost_update import (
    NUMERIC_FIELDS,
    OPERATORS,
    Change,
    changes,
    race_accepted,
)

_SIMPLE = (ast.Name, ast.Constant, ast.Attribute, ast.Call, ast.Subscript)
_LIBRARY = {
    "library/__init__.py": "",
    "library/models.py": (
        "from django.db import models\n\n"
        "class Article(models.Model):\n"
        "    votes = models.IntegerField(default=0)\n"
        "    recommendations = models.IntegerField(default=0)\n"
    ),
}


class LostUpdate(FunctionRule):
    """A model field changed from its own value and saved without a lock (lost update).

    ## What it does
    Flags a model instance loaded from the database (`M.objects.get(...)`, `.first()`,
    `get_object_or_404(...)`, the row of `get_or_create()`/`update_or_create()`, a related
    manager's `.first()`/`.get()`, a loop over a queryset or a queryset variable, `.iterator()`
    included, a foreign key or one-to-one of such an instance, `self` in a model method) whose
    field is changed from its own value (`obj.count += 1`, `obj.balance = obj.balance - amount`)
    and then saved with `obj.save()`, when the row was not loaded with `select_for_update()` and
    no `F()` expression is used. A model whose source is not in the project is recognised by
    `Model.objects...`; its public attributes count as fields (with no fix: the field's type is
    unknown).

    One finding per race: the fields one `save()` writes back after changing them from their
    own values are reported together, at the first change.

    Not flagged: plain assignments (`obj.name = name`), `F("count") + 1`,
    `queryset.update(count=F("count") + 1)`, rows loaded with `select_for_update()`, `self`
    in a model method that every caller in the project (outside tests and migrations) calls
    on a row it locked with `select_for_update()` in the same `transaction.atomic()` block, or
    re-read from the queryset it locked there (callers that pass on a row they were handed are
    followed three levels up; calls whose arguments cannot bind to the method belong to another
    method of that name; a method no caller is found for is reported), changes
    that are not saved in the function, `save(update_fields=[...])` that leaves the field out,
    and races a comment on or right above a change or the save accepts: one that names the race
    and says why it is fine (`# a lost increment under concurrent views is harmless`), or says
    the value need not be exact (`# approximate`, `# best effort`). A TODO or FIXME comment
    does not accept it.

    ## Why is this bad?
    Between the read and the save, another request can save the same row. Its change is then
    overwritten: two concurrent "add one" requests add one in total, two withdrawals debit the
    balance once. Nothing fails; the numbers are just wrong.

    ## Example
    ```python
    product = Product.objects.get(pk=pk)
    product.stock -= quantity
    product.save()
    ```

    ## Use instead
    ```python
    Product.objects.filter(pk=pk).update(stock=F("stock") - quantity)
    ```
    or, when the new value must be checked, lock the row:
    ```python
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=pk)
        product.stock -= quantity
        product.save()
    ```

    ## Fix safety
    The fix is **unsafe**: it rewrites each change of the race as `obj.f = F("f") <op> <value>`
    (importing `F` when needed) and, when the instance is used after `save()` (returned, or
    read again), adds `obj.refresh_from_db(fields=[...])` after it. The database then computes
    the new values, so concurrent updates add up. It is offered only for an instance the
    function read from the database itself, with numeric fields changed by arithmetic only
    (not `max(obj.f - 1, 0)`), each field changed once and not read again before the save. It
    is not offered on `self` or a parameter: the instance may never have been saved (an INSERT
    cannot take `F()`), and it outlives the call, so the caller's next `save()` would apply the
    expression again. Behaviour still changes in ways only you can judge: signal handlers and
    `save()` overrides see the expression, not a number, and a full `save()` still writes the
    row's other fields as they were read.
    """

    code = "EG202"
    message = (
        "lost update: {target} {changed} and saved (line {save_line}) "
        "without a lock, so a concurrent save of the same row in between is overwritten"
    )
    help = 'use F("{field}") (or .update()), or select_for_update() inside transaction.atomic()'
    fix = Applicability.UNSAFE
    fix_title = 'Compute {target} in the database with F("{field}")'
    triggers = (b"save",)
    uses_models = True

    def check_function(self, function: Function, ctx: FileContext) -> None:
        if not ctx.mentions(function, (b".save(",)):
            return
        if runs_once_or_in_tests(ctx.source.path, ctx.project.root):
            return
        # One race per save() of an instance: every field it changes from its own value is
        # lost together when another request saves the row in between.
        races: dict[tuple[str, int], list[Change]] = {}
        for change in changes(function, ctx):
            races.setdefault((change.variable, id(change.save)), []).append(change)
        for race in races.values():
            if race_accepted(ctx.source.lines, [c.statement for c in race], race[0].save):
                continue
            if race[0].variable == "self" and self_locked_by_callers(function, ctx):
                continue
            targets = [_target(change) for change in race]
            names = list(dict.fromkeys(ctx.segment(target) for target in targets))
            fix_data = _fix_data(race, function, ctx)
            self.report(
                ctx,
                targets[0],
                target=" and ".join([", ".join(names[:-1]), names[-1]] if names[1:] else names),
                changed=(
                    "are changed from their own values"
                    if names[1:]
                    else "is changed from its own value"
                ),
                save_line=race[0].save.lineno,
                field=race[0].field,
                fix=fix_data is not None,
                fix_data=fix_data or {"target": names[0], "field": race[0].field},
            )

    VALID = (
        Valid(
            """
            from django.db import models

            class Counter(models.Model):
                hits = models.IntegerField(default=0)

                def hit(self):
                    self.hits += 1
                    self.save()
            """,
            files={
                "views.py": (
                    "from django.db import transaction\n"
                    "from example import Counter\n\n"
                    "def hit(pk):\n"
                    "    with transaction.atomic():\n"
                    "        counter = Counter.objects.select_for_update().get(pk=pk)\n"
                    "        counter.hit()\n\n"
                    "@transaction.atomic\n"
                    "def hit_all(board):\n"
                    "    list(board.counters.select_for_update())\n"
                    "    for counter in board.counters.all():  # re-read under the lock\n"
                    "        record(counter)\n\n"
                    "def record(counter):\n"
                    "    counter.hit()\n\n"
                    "def refresh(widget):\n"
                    "    widget.hit(True)  # another class's hit(flag)\n"
                ),
                "tests/__init__.py": "",
                "tests/test_counter.py": (
                    "from example import Counter\n\n"
                    "def test_hit():\n"
                    "    Counter.objects.get(pk=1).hit()\n"
                ),
            },
        ),
        Valid(
            """
            from django.db.models import F
            from shop.models import Book

            def discount(pk):
                Book.objects.filter(pk=pk).update(price=F("price") - 1)
                book = Book.objects.get(pk=pk)
                book.price = F("price") - 1
                book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db import transaction
            from shop.models import Book

            def discount(pk):
                with transaction.atomic():
                    book = Book.objects.select_for_update().get(pk=pk)
                    book.price -= 1
                    book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def rename(pk, title):
                book = Book.objects.get(pk=pk)
                book.title = title
                book.price = 10
                book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Book

            def new_book(author):
                book = Book(title="Draft", author=author, price=0)
                book.price += 5
                book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def preview_discount(pk):
                book = Book.objects.get(pk=pk)
                book.price -= 1
                return book.price
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def retitle(pk):
                book = Book.objects.get(pk=pk)
                book.price += 1
                book.title = "New"
                book.save(update_fields=["title"])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def count_view(pk):
                book = Book.objects.get(pk=pk)
                # A popularity hint: losing an increment to a concurrent view is harmless.
                book.price += 1
                book.save()
            """,
            files=SHOP,
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db import models

            class Counter(models.Model):
                hits = models.IntegerField(default=0)

                def hit(self):
                    self.hits += 1
                    self.save()
            """,
            files={
                "views.py": (
                    "from django.db import transaction\n"
                    "from example import Counter\n\n"
                    "def hit(pk):\n"
                    "    with transaction.atomic():\n"
                    "        Counter.objects.select_for_update().get(pk=pk).hit()\n\n"
                    "def hit_cached(counter):\n"
                    "    # Locked, but the row in hand was read before the lock.\n"
                    "    with transaction.atomic():\n"
                    "        Counter.objects.select_for_update().get(pk=counter.pk)\n"
                    "        counter.hit()\n"
                ),
            },
            line=7,
        ),
        Invalid(
            """
            from django.db import models
            from shop.models import Book

            def count_sale(pk, models_seen):
                book = Book.objects.get(pk=pk)
                book.price += 1
                book.save()
                for models in models_seen:  # not django.db.models: no models.F here
                    print(models)
            """,
            files=SHOP,
            line=6,
            fixed=None,
        ),
        Invalid(
            """
            from shop.models import Book

            def count_sale(pk):
                book = Book.objects.get(pk=pk)
                book.price += 1  # TODO: this races with concurrent sales, fine for now
                book.save()
            """,
            files=SHOP,
            line=5,  # a debt marker says the race is not accepted
            unsafe_fixed="""
            from django.db.models import F
            from shop.models import Book

            def count_sale(pk):
                book = Book.objects.get(pk=pk)
                book.price = F("price") + 1  # TODO: this races with concurrent sales, fine for now
                book.save()
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def sell(title, author, post):
                book, _created = Book.objects.get_or_create(title=title, author=author)
                book.price += 1
                book.save()
                like = post.likes.filter(user=author).first()
                like.count += 1
                like.save()
            """,
            files=SHOP,
            count=2,
            line=5,
            column=5,
            unsafe_fixed="""
            from django.db.models import F
            from shop.models import Book

            def sell(title, author, post):
                book, _created = Book.objects.get_or_create(title=title, author=author)
                book.price = F("price") + 1
                book.save()
                like = post.likes.filter(user=author).first()
                like.count += 1
                like.save()
            """,
        ),
        Invalid(
            """
            from shop.models import Review

            def discount_reviewed(review_id):
                review = Review.objects.get(pk=review_id)
                book = review.book
                book.price -= 1
                book.save()
            """,
            files=SHOP,
            line=6,
            column=5,
            unsafe_fixed="""
            from django.db.models import F
            from shop.models import Review

            def discount_reviewed(review_id):
                review = Review.objects.get(pk=review_id)
                book = review.book
                book.price = F("price") - 1
                book.save()
            """,
        ),
        Invalid(
            """
            from billing.models import Account

            def accrue(rate):
                accounts = Account.objects.filter(active=True).order_by("pk")
                for account in accounts.iterator(chunk_size=500):
                    account.balance += account.balance * rate
                    account.save(update_fields=["balance"])
            """,
            line=6,
            column=9,
            message="lost update: account.balance is changed from its own value and saved "
            "(line 7) without a lock, so a concurrent save of the same row in between is "
            'overwritten; use F("balance") (or .update()), or select_for_update() inside '
            "transaction.atomic()",
        ),
        Invalid(
            """
            from shop.models import Book

            def raise_price(pk, amount):
                book = Book.objects.get(pk=pk)
                book.price += amount
                book.save()
            """,
            files=SHOP,
            line=5,
            column=5,
            message="lost update: book.price is changed from its own value and saved (line 6) "
            "without a lock, so a concurrent save of the same row in between is overwritten; "
            'use F("price") (or .update()), or select_for_update() inside transaction.atomic()',
            unsafe_fixed="""
            from django.db.models import F
            from shop.models import Book

            def raise_price(pk, amount):
                book = Book.objects.get(pk=pk)
                book.price = F("price") + amount
                book.save()
            """,
        ),
        Invalid(
            """
            from django.db import models
            from django.shortcuts import get_object_or_404
            from shop.models import Book

            def sell(request, pk):
                book = get_object_or_404(Book, pk=pk)
                book.price = book.price * 2  # demand
                book.save(update_fields=["price"])
                return {"price": book.price}
            """,
            files=SHOP,
            unsafe_fixed="""
            from django.db import models
            from django.shortcuts import get_object_or_404
            from shop.models import Book

            def sell(request, pk):
                book = get_object_or_404(Book, pk=pk)
                book.price = models.F("price") * 2  # demand
                book.save(update_fields=["price"])
                book.refresh_from_db(fields=["price"])
                return {"price": book.price}
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def clamp(pk):
                book = Book.objects.get(pk=pk)
                book.price = book.price - 1 if book.price > 1 else book.price
                book.price = book.price * 2
                book.save()
            """,
            files=SHOP,
            line=5,  # one race: both changes are lost by the same save()
            message="lost update: book.price is changed from its own value and saved (line 7) "
            "without a lock, so a concurrent save of the same row in between is overwritten; "
            'use F("price") (or .update()), or select_for_update() inside transaction.atomic()',
        ),
        Invalid(
            """
            from library.models import Article

            def vote(request, pk):
                item = Article.objects.get(pk=pk)
                if request.POST["vote"] == "up":
                    item.votes += 1
                    item.recommendations += 1
                else:
                    item.votes = max(item.votes - 1, 0)  # not arithmetic only: no F() fix
                item.save()
            """,
            files=_LIBRARY,
            line=6,
            message="lost update: item.votes and item.recommendations are changed from their "
            "own values and saved (line 10) without a lock, so a concurrent save of the same row "
            'in between is overwritten; use F("votes") (or .update()), or select_for_update() '
            "inside transaction.atomic()",
        ),
        Invalid(
            """
            from shop.models import Book

            def restock_all():
                for book in Book.objects.filter(price__lt=5):
                    book.price += 1
                    book.save()
            """,
            files=SHOP,
            unsafe_fixed="""
            from django.db.models import F
            from shop.models import Book

            def restock_all():
                for book in Book.objects.filter(price__lt=5):
                    book.price = F("price") + 1
                    book.save()
            """,
        ),
        Invalid(
            """
            from django.db import models

            class Counter(models.Model):
                hits = models.IntegerField(default=0)

                def hit(self):
                    self.hits += 1
                    self.save(update_fields=["hits"])
            """,
            line=7,
            # No fix: ``self`` may be unsaved (an INSERT cannot take F()), and it outlives the
            # call, so the caller's next save() would apply the increment again.
        ),
        Invalid(
            """
            from library.models import Article

            def upvote(pk):
                item = Article.objects.get(pk=pk)
                item.votes += 1
                item.recommendations += 1
                item.save()
                return item
            """,
            files=_LIBRARY,
            line=5,
            unsafe_fixed="""
            from django.db.models import F
            from library.models import Article

            def upvote(pk):
                item = Article.objects.get(pk=pk)
                item.votes = F("votes") + 1
                item.recommendations = F("recommendations") + 1
                item.save()
                item.refresh_from_db(fields=["votes", "recommendations"])
                return item
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def sell(pk, quantity):
                book = Book.objects.get(pk=pk)
                book.price -= quantity
                if book.price < 0:  # a check on the new value: F() would break it
                    raise ValueError("sold out")
                book.save()
            """,
            files=SHOP,
            line=5,
        ),
    )


def _f_name(ctx: FileContext) -> tuple[str, str | None] | None:
    """How to spell ``F`` here, and the import to add for it (None: already available).

    None when the name the fix would write means something else somewhere in the module (a
    parameter ``F``, a local ``models``): the fixed code would call that instead.
    """
    for local, target in ctx.imports.items():
        if target == "django.db.models.F":
            return None if rebinds(ctx.tree, local, target) else (local, None)
    for local, target in ctx.imports.items():
        if target == "django.db.models":
            return None if rebinds(ctx.tree, local, target) else (f"{local}.F", None)
    if "F" in {n.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Name)}:
        return None  # some other F is in use
    if rebinds(ctx.tree, "F", "django.db.models.F"):
        return None
    return "F", "from django.db.models import F"


def _target(change: Change) -> ast.expr:
    statement = change.statement
    return statement.target if isinstance(statement, ast.AugAssign) else statement.targets[0]


def _fix_data(
    race: list[Change], function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> dict[str, object] | None:
    """Every change of the race rewritten with ``F()``, or None when one of them cannot be.

    Only for an instance this function read from the database: ``self`` or a parameter may
    be unsaved (``F()`` cannot be inserted) and outlives the call, so a later ``save()`` by
    the caller would apply the expression again."""
    first = race[0]
    spelled = _f_name(ctx)
    if spelled is None or first.variable in _parameters(function):
        return None
    f_name, import_line = spelled
    rewritten = []
    for change in race:
        raw = change.model.fields.get(change.field)
        if raw is None or raw.field_type not in NUMERIC_FIELDS:
            return None
        if _written_before(change, function) or _read_before_save(change, function):
            # F() would drop an earlier in-memory change, or a check would see an expression
            return None
        replacement = _replacement(change, f'{f_name}("{change.field}")', ctx)
        if replacement is None:
            return None
        rewritten.append({"span": ctx.span(change.statement), "replacement": replacement})
    save_statement = _statement_of(first.save, function)
    if save_statement is None:
        return None
    save_end = (save_statement.end_lineno or 0, save_statement.end_col_offset or 0)
    used_after = any(
        isinstance(node, ast.Name)
        and node.id == first.variable
        and (node.lineno, node.col_offset) >= save_end
        for node in walk_scope(function)
    )
    fields = ", ".join(f'"{field}"' for field in dict.fromkeys(c.field for c in race))
    refresh = f"{first.variable}.refresh_from_db(fields=[{fields}])"
    return {
        "target": f"{first.variable}.{first.field}",
        "field": first.field,
        "changes": rewritten,
        "save_span": ctx.span(save_statement),
        "refresh": refresh if used_after else None,
        "import": import_line,
    }


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return {argument.arg for argument in every}


def _read_before_save(change: Change, function: ast.AST) -> bool:
    """The field is read again between the change and the save (``if obj.stock < 0``)."""
    start = (change.statement.end_lineno or 0, change.statement.end_col_offset or 0)
    end = (change.save.lineno, change.save.col_offset)
    return any(
        _reads(node, change)
        and isinstance(node.ctx, ast.Load)
        and start <= (node.lineno, node.col_offset) < end
        for node in walk_scope(function)
        if isinstance(node, ast.Attribute)
    )


def _replacement(change: Change, expression: str, ctx: FileContext) -> str | None:
    statement = change.statement
    target = f"{change.variable}.{change.field}"
    if isinstance(statement, ast.AugAssign):
        operator = OPERATORS.get(type(statement.op))
        if operator is None:
            return None
        value = ctx.source_of(statement.value)
        if not isinstance(statement.value, _SIMPLE):
            value = f"({value})"
        return f"{target} = {expression} {operator} {value}"
    value_node = statement.value
    if not _arithmetic_only(value_node, change) or value_node.lineno != value_node.end_lineno:
        return None
    # Splice F(...) in place of each read of the field, keeping the rest as written.
    text = ctx.source_of(value_node)
    start = ctx.span(value_node)[1]
    reads = [n for n in ast.walk(value_node) if isinstance(n, ast.Attribute) and _reads(n, change)]
    for node in sorted(reads, key=lambda n: n.col_offset, reverse=True):
        _, column, _, end_column = ctx.span(node)
        text = text[: column - start] + expression + text[end_column - start :]
    return f"{target} = {text}"


def _reads(node: ast.AST, change: Change) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == change.field
        and isinstance(node.value, ast.Name)
        and node.value.id == change.variable
    )


def _arithmetic_only(value: ast.expr, change: Change) -> bool:
    """Every read of the field sits in arithmetic only: ``F()`` supports + - * / but not
    ``max()`` or conditionals."""

    def walk(node: ast.AST, arithmetic_path: bool) -> bool:
        if _reads(node, change):
            return arithmetic_path
        inside = arithmetic_path and isinstance(node, (ast.BinOp, ast.UnaryOp))
        return all(walk(child, inside) for child in ast.iter_child_nodes(node))

    return walk(value, True)


def _written_before(change: Change, function: ast.AST) -> bool:
    start = (change.statement.lineno, change.statement.col_offset)
    for node in walk_scope(function):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign):
            targets = [node.target]
        else:
            continue
        if any(_reads(t, change) for t in targets) and (node.lineno, node.col_offset) < start:
            return True
    return False


def _statement_of(call: ast.Call, function: ast.AST) -> ast.Expr | None:
    """The expression statement that is exactly ``call`` (``obj.save()`` on its own line)."""
    for node in walk_scope(function):
        if isinstance(node, ast.Expr) and node.value is call:
            return node
    return None
