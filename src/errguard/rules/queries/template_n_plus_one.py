from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Invalid, Valid
from errguard.registry import Function, FunctionRule
from errguard.rules._shared.example_models import SHOP, SHOP_MODELS
from errguard.rules.queries._bindings import QuerySet
from errguard.rules.queries._querysets import Resolver, file_resolver
from errguard.rules.queries._template_context import (
    Context,
    context_at,
    related_rows,
    render_calls,
    rows_of,
)
from errguard.rules.queries._template_loads import advice, display, loads_of, loops_of, reads_text
from errguard.rules.queries._templates import Loop, find_template
from errguard.rules.queries._views import list_view

# The shop, with loans whose ``__str__`` reads their reader (and, when lent, the lender).
_LOANS = {
    **SHOP,
    "shop/models.py": SHOP_MODELS
    + """

class Loan(models.Model):
    book = models.ForeignKey(Book, related_name="loans", on_delete=models.CASCADE)
    reader = models.ForeignKey(Author, related_name="loans", on_delete=models.CASCADE)
    lender = models.ForeignKey(Author, null=True, related_name="+", on_delete=models.SET_NULL)
    note = models.CharField(max_length=100)

    def __str__(self):
        if self.lender:
            return f"{self.reader.name} from {self.lender.name}"
        return self.reader.name
""",
}


_RENDER_WORDS = (b"render", b"TemplateResponse")


class TemplateNPlusOne(FunctionRule):
    """Related object loaded once per row of a queryset that a template's `{% for %}` iterates.

    ## What it does
    Follows a queryset that a view passes to a template (`render()`, `TemplateResponse`,
    `render_to_string()`, `get_template(...).render()` with a literal template name and a dict
    context, written in the call or built in a variable before it) into the template's
    `{% for row in name %}` loop, and flags the render call when the loop reads from each row a
    forward foreign key or one-to-one (`{{ row.author.name }}`), a reverse or many-to-many
    relation (`{% for tag in row.tags.all %}`, `{{ row.tags.count }}`), or a deferred field,
    that the queryset did not load with `select_related()`/`prefetch_related()`. Reads in
    `{% with %}` aliases and in tag arguments count, and so do a model property or method the
    template calls and a `{{ row }}` whose model's `__str__` reads a non-null relation of the
    row. `{% include "literal.html" %}` is read where it stands: inside a loop the row keeps its
    name (or the one `with` gives it; not after `only`). Loops over a related manager of a
    context object (`{% for book in author.books.all %}` or `.distinct`, where `author` is a
    fetched row) count too. A context value may be a queryset, a page of one, or what a helper
    function of the same module returns for the rows the view passes it. Reading
    `row.author_id`, the parent every row of a related manager shares (`book.author` in
    `author.books.all`) or what `select_related()` without arguments follows (non-null foreign
    keys) is not a load. A queryset may pass through a pager (`Paginator(...).get_page()`, a
    `paginate(queryset, ...)` helper).
    A generic `ListView` counts too: its `queryset`, `model` or `get_queryset()` rows reach its
    template (`template_name`, or `<app_label>/<model>_list.html`) as `object_list` and as
    `context_object_name` (`<model>_list`); it is reported on its `class` line, not again on
    a subclass that changes none of its rows, template or names, and not on an abstract base
    (a method that only raises `NotImplementedError`). The template is found in the project's
    `templates` directories.

    ## Why is this bad?
    The template engine runs one query per row for each such read: a list page of 50 rows that
    shows each row's author and tags runs 101 queries instead of 3. Nothing in the view's
    Python shows the loop, so code review does not see it.

    ## Example
    ```python
    def book_list(request):
        books = Book.objects.order_by("title")
        return render(request, "shop/books.html", {"books": books})
    ```
    with `{% for book in books %}{{ book.author.name }}{% endfor %}` in the template.

    ## Use instead
    ```python
    def book_list(request):
        books = Book.objects.select_related("author").order_by("title")
        return render(request, "shop/books.html", {"books": books})
    ```

    ## Fix safety
    No automatic fix: the queryset may be used elsewhere in the view, and whether the template
    is the only reader is not something the source shows. The message names the lookups to add.
    """

    code = "EG103"
    message = "`{variable}` is iterated in {template}:{line} and each row loads {reads}"
    help = "{advice}"
    help_separator = ": "
    triggers = (b"render", b"TemplateResponse", b"ListView")
    uses_models = True

    def check_function(self, function: Function, ctx: FileContext) -> None:
        # Every renderer's name holds one of these: most functions are passed over unwalked.
        if not ctx.mentions(function, _RENDER_WORDS):
            return
        renders = list(render_calls(function))
        if not renders:
            return
        resolver = file_resolver(ctx)
        for render in renders:
            context = context_at(function, render, resolver)
            if context is not None:
                self._check_render(render.call, render.template, context, resolver, ctx)

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        """A generic ``ListView``: its rows reach its template as ``object_list``."""
        resolver = file_resolver(ctx)
        view = list_view(node, ctx.tree, resolver)
        if view is None:
            return
        rows, template, names = view
        context = Context(dict.fromkeys(names, rows.origin), {})
        self._check_render(node, template, context, resolver, ctx, rows=rows)

    def _check_render(
        self,
        node: ast.AST,
        name: str,
        context: Context,
        resolver: Resolver,
        ctx: FileContext,
        *,
        rows: QuerySet | None = None,
    ) -> None:
        config = ctx.project.selection.config()
        path = find_template(config, name, ctx.project.root)
        if path is None:
            return
        shown = display(path, ctx.project.root)
        by_iterable: dict[tuple[str, tuple[str, ...]], list[Loop]] = {}
        for loop in loops_of(path, config, ctx.project.root):
            by_iterable.setdefault((loop.variable, loop.through), []).append(loop)
        for (variable, through), loops in by_iterable.items():
            value = context.values.get(variable)
            if value is None:
                continue
            if through:
                found = related_rows(value, through, context.env, resolver)
            else:
                found = rows if rows is not None else rows_of(value, context.env, resolver)
            if found is None:
                continue
            loads = loads_of(found, loops, resolver)
            if not loads:
                continue
            template = loops[0].template or shown
            self.report(
                ctx,
                node,
                end=_end(node),
                variable=".".join((variable, *through)),
                template=template,
                line=loops[0].line,
                reads=reads_text(loops[0].row, loads, template, shown),
                advice=advice(loops[0].row, loads, _where(found)),
            )

    VALID = (
        Valid(
            """
            from django.shortcuts import render
            from shop.models import Book

            def book_list(request):
                featured = Book.objects.select_related("author").first()
                context = {"books": Book.objects.all(), "featured": featured}
                return render(request, "shop/books.html", context)
            """,
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    "{% for book in books %}{{ book.title }}\n"
                    '{% include "shop/row.html" with book=featured %}\n'
                    '{% include "shop/row.html" with title=book.title only %}{% endfor %}\n'
                ),
                "shop/templates/shop/row.html": "{{ title }} {{ book.author.name }}\n",
            },
        ),
        Valid(
            """
            from django.shortcuts import get_object_or_404, render
            from shop.models import Author, Loan

            def loans(request, pk):
                reader = get_object_or_404(Author, pk=pk)
                rows = Loan.objects.select_related("reader")
                context = {"loans": rows, "mine": reader.loans.all(), "names": ["a", "b"]}
                return render(request, "shop/loans.html", context)
            """,
            files={
                **_LOANS,
                "shop/templates/shop/loans.html": (
                    "{% for loan in loans %}{{ loan }} {{ loan.note }}{% endfor %}\n"
                    "{% for loan in mine %}{{ loan }} {{ loan.reader_id }}{% endfor %}\n"
                    "{% for name in names %}{{ name }}{% endfor %}\n"
                ),
            },
        ),
        Valid(
            """
            from django.shortcuts import render
            from shop.models import Book

            def book_list(request):
                books = Book.objects.select_related("author").prefetch_related("tags")
                return render(request, "shop/books.html", {"books": books})
            """,
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    "{% for book in books %}{{ book.author.name }}\n"
                    "{% for tag in book.tags.all %}{{ tag }}{% endfor %}{% endfor %}\n"
                ),
            },
        ),
        Valid(
            """
            from django.shortcuts import render
            from shop.models import Book

            def book_list(request):
                books = Book.objects.values("title", "author__name")
                return render(request, "shop/books.html", {"books": books})
            """,
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    "{% for book in books %}{{ book.author_id }} {{ book.title }}{% endfor %}\n"
                ),
            },
        ),
        Valid(
            """
            from django.shortcuts import render
            from shop.models import Book

            def book_list(request):
                books = Book.objects.all()
                return render(request, "shop/books.html", {"books": books})
            """,
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    "{% for book in books %}{{ book.author_id }} {{ book.title }}\n"
                    "{# {{ book.author.name }} #} {% url 'author' pk=book.author_id %}\n"
                    "{% endfor %}{{ books.0.author.name }}\n"
                ),
            },
        ),
        Valid(
            """
            from django.views.generic import ListView
            from shop.models import Book

            class BookList(ListView):
                queryset = Book.objects.select_related("author")
                paginate_by = 25
            """,
            files={
                **SHOP,
                "shop/templates/shop/book_list.html": (
                    "{% for book in object_list %}{{ book.author.name }}{% endfor %}\n"
                ),
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.shortcuts import render
            from shop.models import Book

            def book_list(request):
                context = {"books": Book.objects.select_related("editor")}
                return render(request, "shop/books.html", context)
            """,
            line=6,
            message=(
                "`books` is iterated in shop/templates/shop/books.html:1 and each row loads "
                "`book.author` (shop/templates/shop/row.html:2): add "
                '`.select_related("author")` to the queryset at line 5'
            ),
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    '{% for book in books %}{% include "shop/row.html" %}{% endfor %}\n'
                ),
                "shop/templates/shop/row.html": "{{ book.editor.name }}\n{{ book.author.name }}\n",
            },
        ),
        Invalid(
            """
            from django.http import HttpResponse
            from django.shortcuts import get_object_or_404
            from django.template import loader
            from shop.models import Author

            def author_page(request, pk):
                author = get_object_or_404(Author, pk=pk)
                page = loader.get_template("shop/author.html")
                return HttpResponse(page.render({"author": author}, request))
            """,
            line=9,
            message=(
                "`author.books.distinct` is iterated in shop/templates/shop/list.html:1 and "
                'each row loads `book.tags` (line 1): add `.prefetch_related("tags")` to the '
                "queryset"
            ),
            files={
                **SHOP,
                "shop/templates/shop/author.html": (
                    '{% include "shop/list.html" with writer=author only %}\n'
                ),
                "shop/templates/shop/list.html": (
                    "{% for book in writer.books.distinct %}{{ book.tags.count }}{% endfor %}\n"
                ),
            },
        ),
        Invalid(
            """
            from django.shortcuts import get_object_or_404, render
            from shop.models import Book, Loan

            def loans_of(book):
                return book.loans.order_by("-id")

            def book_loans(request, pk):
                book = get_object_or_404(Book, pk=pk)
                return render(request, "shop/loans.html", {"loans": loans_of(book)})
            """,
            line=9,
            message=(
                "`loans` is iterated in shop/templates/shop/loans.html:1 and each row loads "
                "`loan.reader` (line 1, in its `__str__`): add "
                '`.select_related("reader")` to the queryset at line 5'
            ),
            files={
                **_LOANS,
                "shop/templates/shop/loans.html": (
                    "{% for loan in loans %}<li>{{ loan|default:'-' }}</li>{% endfor %}\n"
                ),
            },
        ),
        Invalid(
            """
            from django.views import generic
            from shop.models import Book

            class BookList(generic.ListView):
                model = Book
                paginate_by = 25
            """,
            line=4,
            message=(
                "`book_list` is iterated in shop/templates/shop/book_list.html:1 and each row "
                'loads `book.author` (line 1): add `.select_related("author")` to the '
                "queryset at line 5"
            ),
            files={
                **SHOP,
                "shop/templates/shop/book_list.html": (
                    "{% for book in book_list %}{{ book.author.name }}{% endfor %}\n"
                ),
            },
        ),
        Invalid(
            """
            from django.shortcuts import render
            from shop.models import Book

            def book_list(request):
                books = Book.objects.order_by("title")
                return render(request, "shop/books.html", {"books": books})
            """,
            line=6,
            message=(
                "`books` is iterated in shop/templates/shop/books.html:1 and each row loads "
                '`book.author` (line 2): add `.select_related("author")` to the queryset '
                "at line 5"
            ),
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    "{% for book in books %}\n  {{ book.title }} by {{ book.author.name }}\n"
                    "{% endfor %}\n"
                ),
            },
        ),
        Invalid(
            """
            from django.core.paginator import Paginator
            from django.template.response import TemplateResponse
            from shop.models import Book

            def book_list(request):
                page = Paginator(Book.objects.all(), 25).get_page(request.GET.get("page"))
                context = {"page": page}
                return TemplateResponse(request, "shop/books.html", context)
            """,
            line=8,
            message=(
                "`page` is iterated in shop/templates/shop/books.html:1 and each row loads "
                "`book.author.publisher` (line 1) and `book.tags` (line 3): add "
                '`.select_related("author__publisher")` and `.prefetch_related("tags")` to '
                "the queryset at line 6"
            ),
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    "{% for book in page %}{% with pub=book.author.publisher %}\n"
                    "{{ pub.name }}{% endwith %}\n"
                    "{% for tag in book.tags.all %}{{ tag }}{% endfor %}{% endfor %}\n"
                ),
            },
        ),
        Invalid(
            """
            from django.shortcuts import render
            from shop.models import Book

            def book_list(request):
                return render(request, "shop/books.html", {"books": Book.objects.all()})
            """,
            line=5,
            message=(
                "`books` is iterated in shop/templates/shop/books.html:1 and each row loads "
                "`book.author` (line 2): read `book.author_id` for its key"
            ),
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    '{% for book in books %}\n<a href="/authors/{{ book.author.pk }}">'
                    "{{ book.title }}</a>{% endfor %}\n"
                ),
            },
        ),
        Invalid(
            """
            from django.views.generic import ListView
            from shop.models import Book

            class BookRows(ListView):
                model = Book
                template_name = "shop/books.html"

                def get_success_url(self):
                    raise NotImplementedError

            class StaffBooks(BookRows):
                def get_queryset(self):
                    return Book.objects.filter(price__gt=0)

            class PublicBooks(StaffBooks):
                paginate_by = 10
            """,
            line=11,
            files={
                **SHOP,
                "shop/templates/shop/books.html": (
                    "{% for book in object_list %}{{ book.author.name }}{% endfor %}\n"
                ),
            },
        ),
        Invalid(
            """
            from django.shortcuts import get_object_or_404, render
            from shop.models import Author

            def author_page(request, pk):
                author = get_object_or_404(Author, pk=pk)
                return render(request, "shop/author.html", {"author": author})
            """,
            line=6,
            message=(
                "`author.books.all` is iterated in shop/templates/shop/author.html:1 and each "
                'row loads `book.editor` (line 2): add `.select_related("editor")` to the '
                "queryset"
            ),
            files={
                **SHOP,
                "shop/templates/shop/author.html": (
                    "{% for book in author.books.all %}{{ book.author.name }}\n"
                    "{{ book.editor.name }}{% endfor %}\n"
                ),
            },
        ),
    )


def _where(rows: QuerySet) -> str:
    line = getattr(rows.origin, "lineno", None)
    return f" at line {line}" if isinstance(line, int) else ""


def _end(node: ast.AST) -> tuple[int, int] | None:
    """A class is reported on its ``class Name`` words, not on its whole body."""
    if isinstance(node, ast.ClassDef):
        return node.lineno, node.col_offset + len("class ") + len(node.name)
    return None
