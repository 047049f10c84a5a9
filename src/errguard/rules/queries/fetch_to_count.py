from __future__ import annotations

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.project.modules import runs_once_or_in_tests
from errguard.registry import Function, FunctionRule
from errguard.rules._shared.example_models import SHOP
from errguard.rules.queries._bindings import Binding
from errguard.rules.queries._count_probes import probes
from errguard.rules.queries._querysets import file_resolver
from errguard.rules.queries._views import method_bindings

_METHOD_ENV = "EG104:methods"
_WHAT = {"count": "to count them", "exists": "to test whether there is one"}


class FetchToCount(FunctionRule):
    """Queryset fetched whole only to count its rows or to test whether it has any.

    ## What it does
    Flags `len(qs)`, and a truth test of a queryset (`if qs:`, `not qs`, `bool(qs)`, a
    ternary's or a comprehension's condition, an `and`/`or` operand of one), when the rows are
    never read: the queryset is an expression evaluated on the spot
    (`len(Book.objects.filter(...))`, `if self.get_queryset():`) or a local name bound only to
    lazy querysets whose every other use starts a new query (`qs.filter(...)`, `qs.update()`).
    A queryset is one built from a model's manager (`Book.objects`, a related manager, a
    view's `get_queryset()`), through its chain methods and local names.

    Not flagged: a name whose rows are used elsewhere in the function, before or after (iterated,
    indexed, passed on, returned, put in a template context, tested twice): the evaluation
    fills the queryset's result cache, so `len()` costs nothing more and `.count()` would add a
    query. Nor a probe repeated in a loop over a queryset bound outside it (the first evaluation
    serves the others), lists (`list(qs)`, a paginated page), sliced querysets, `.iterator()`,
    `select_for_update()` (a truth test locks every row, `exists()` one) and combined querysets
    (`union()`), parameters and loop variables (the caller's value may be a list), and tests and
    migrations.

    ## Why is this bad?
    `len(qs)` and `if qs:` run `SELECT` of every column of every matching row and build a model
    instance for each, only to throw them away: on a large table that is seconds and megabytes
    for a number. `qs.count()` runs `SELECT COUNT(*)` and `qs.exists()` `SELECT 1 ... LIMIT 1`.

    ## Example
    ```python
    def has_drafts(author):
        drafts = Book.objects.filter(author=author, price=0)
        if drafts:
            return len(Review.objects.filter(book__author=author))
        return 0
    ```

    ## Use instead
    ```python
    def has_drafts(author):
        drafts = Book.objects.filter(author=author, price=0)
        if drafts.exists():
            return Review.objects.filter(book__author=author).count()
        return 0
    ```

    ## Fix safety
    The fix replaces `len(qs)` with `qs.count()` and a truth test of `qs` with `qs.exists()`.
    It is safe when the whole chain is built in the function and counts rows as they are
    fetched; it is unsafe when the chain has `distinct()`, `annotate()`, `values()` or
    `extra()` (with an ordering on other columns, `SELECT DISTINCT` and `GROUP BY` can fetch
    more rows than `COUNT(*)` counts) or is built elsewhere (a view's `get_queryset()`, a
    helper), where what it holds is not all in sight.
    """

    code = "EG104"
    message = (
        "`{probe}` fetches every row of the queryset {what}, and nothing reads the rows: "
        "use `{use}`"
    )
    triggers = (b"len(", b"if ", b"not ", b"bool(")
    uses_models = True
    fix = Applicability.SAFE
    fix_title = "Use `.{method}()`"

    def check_function(self, function: Function, ctx: FileContext) -> None:
        if runs_once_or_in_tests(ctx.source.path, ctx.project.root):
            return
        resolver = file_resolver(ctx)
        env = _method_env(ctx).get(id(function), {})
        for probe in probes(function, resolver, env):
            use = f"{ctx.source_of(probe.queryset)}.{probe.method}()"
            self.report(
                ctx,
                probe.node,
                fix=True if probe.safe else Applicability.UNSAFE,
                fix_data={"span": ctx.span(probe.node), "method": probe.method},
                probe=ctx.segment(probe.node),
                what=_WHAT[probe.method],
                use=use if len(use) <= 60 else f"<queryset>.{probe.method}()",
                method=probe.method,
            )

    VALID = (
        Valid(
            """
            from shop.models import Book

            def book_page(request):
                books = Book.objects.filter(price__gt=0)
                if not books:
                    return None
                # The rows are read below: the truth test filled the result cache.
                return [book.title for book in books]

            def count_then_show(author):
                books = author.books.all()
                total = len(books)
                return total, books[0]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def first_free(rows):
                # A parameter: the caller may hand in a list.
                if rows:
                    return len(rows)

            def listed():
                books = list(Book.objects.all())
                return len(books), bool(Book.objects.all()[:5])

            def locked():
                return bool(Book.objects.select_for_update().filter(price=0))

            def streamed():
                for book in Book.objects.iterator():
                    yield book
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def per_author(authors):
                books = Book.objects.filter(price=0)
                # The first len() fills the cache; the others read it.
                return [len(books) for author in authors]

            def twice():
                books = Book.objects.filter(price=0)
                if books:
                    return len(books)
                return 0
            """,
            files=SHOP,
        ),
    )
    INVALID = (
        Invalid(
            """
            from shop.models import Book, Review

            def has_drafts(author):
                drafts = Book.objects.filter(author=author, price=0)
                if drafts:
                    return len(Review.objects.filter(book__author=author))
                return 0
            """,
            count=2,
            line=5,
            column=8,
            message=(
                "`drafts` fetches every row of the queryset to test whether there is one, and "
                "nothing reads the rows: use `drafts.exists()`"
            ),
            fixed="""
            from shop.models import Book, Review

            def has_drafts(author):
                drafts = Book.objects.filter(author=author, price=0)
                if drafts.exists():
                    return Review.objects.filter(book__author=author).count()
                return 0
            """,
            files=SHOP,
        ),
        Invalid(
            """
            from shop.models import Book

            def stale(author):
                books = Book.objects.filter(author=author)
                books.filter(price=0).update(price=1)
                return not books.distinct()
            """,
            line=6,
            column=16,
            message=(
                "`books.distinct()` fetches every row of the queryset to test whether there is "
                "one, and nothing reads the rows: use `books.distinct().exists()`"
            ),
            fixed=None,
            unsafe_fixed="""
            from shop.models import Book

            def stale(author):
                books = Book.objects.filter(author=author)
                books.filter(price=0).update(price=1)
                return not books.distinct().exists()
            """,
            files=SHOP,
        ),
        Invalid(
            """
            from django.views.generic import ListView
            from shop.models import Book

            class Books(ListView):
                model = Book

                def get_context_data(self, **kwargs):
                    context = super().get_context_data(**kwargs)
                    context["total"] = len(self.get_queryset())
                    return context
            """,
            line=9,
            column=28,
            message=(
                "`len(self.get_queryset())` fetches every row of the queryset to count them, "
                "and nothing reads the rows: use `self.get_queryset().count()`"
            ),
            fixed=None,
            unsafe_fixed="""
            from django.views.generic import ListView
            from shop.models import Book

            class Books(ListView):
                model = Book

                def get_context_data(self, **kwargs):
                    context = super().get_context_data(**kwargs)
                    context["total"] = self.get_queryset().count()
                    return context
            """,
            files=SHOP,
        ),
    )


def _method_env(ctx: FileContext) -> dict[int, dict[str, Binding]]:
    """What ``self`` holds in each method of the file's views and models (once per file)."""
    found = ctx.cache.get(_METHOD_ENV)
    if not isinstance(found, dict):
        found = ctx.cache[_METHOD_ENV] = method_bindings(ctx.tree, file_resolver(ctx))
    return found
