from __future__ import annotations

import ast
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from errguard.astutil import dotted_name, last_part, walk_scope
from errguard.detect.context import FileContext
from errguard.models import Invalid, Valid
from errguard.registry import Function, FunctionRule
from errguard.rules._shared.example_models import SHOP
from errguard.rules.queries._bindings import Binding, Instance, QuerySet
from errguard.rules.queries._querysets import Resolver
from errguard.rules.queries._relations import PREFETCH_CACHED, Load, interpret
from errguard.rules.queries._templates import Loop, find_template, read_template, template_loops
from errguard.rules.queries._views import list_view

# Where each renderer takes the template name and the context, by position and keyword.
_RENDERERS: Mapping[str, tuple[int, int]] = {
    "render": (1, 2),
    "TemplateResponse": (1, 2),
    "SimpleTemplateResponse": (0, 1),
    "render_to_response": (0, 1),
    "render_to_string": (0, 1),
}
# A pager keeps the rows of the queryset it is given: Django's and the usual project helper.
_PAGERS = frozenset({"paginate", "get_page", "page"})
_LOADS = frozenset({"select", "prefetch", "deferred", "pk"})
# The name a context object gets while its relation in a template loop is resolved.
_OWNER = "<context object>"
_RESOLVER = "EG103:resolver"
_PARSED: dict[tuple[Path, int, int], list[Loop]] = {}


@dataclass(frozen=True)
class _Context:
    """A render call's context: each key's expression, and the bindings at the call."""

    values: Mapping[str, ast.expr]
    env: Mapping[str, Binding]


class TemplateNPlusOne(FunctionRule):
    """Related object loaded once per row of a queryset that a template's `{% for %}` iterates.

    ## What it does
    Follows a queryset that a view passes to a template (`render()`, `TemplateResponse`,
    `render_to_string()` with a literal template name and a dict context) into the template's
    `{% for row in name %}` loop, and flags the render call when the loop reads from each row a
    forward foreign key or one-to-one (`{{ row.author.name }}`), a reverse or many-to-many
    relation (`{% for tag in row.tags.all %}`, `{{ row.tags.count }}`), or a deferred field,
    that the queryset did not load with `select_related()`/`prefetch_related()`. Reads in
    `{% with %}` aliases and in tag arguments count, and so do loops over a related manager of a
    context object (`{% for book in author.books.all %}`, where `author` is a fetched row);
    `row.author_id`, the parent every such row shares (`book.author` there) and what
    `select_related()` without arguments follows (non-null foreign keys) do not. A queryset
    may pass through a pager (`Paginator(...).get_page()`, a `paginate(queryset, ...)` helper).
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
    message = "`{variable}` is iterated in {template}:{line} and each row loads {reads}: {advice}"
    triggers = (b"render", b"TemplateResponse", b"ListView")
    uses_models = True

    def check_function(self, function: Function, ctx: FileContext) -> None:
        calls = [(call, name) for call in _render_calls(function) if (name := _template_name(call))]
        if not calls:
            return
        resolver = _resolver(ctx)
        for call, name in calls:
            context = _context_at(function, call, resolver)
            if context is not None:
                self._check_render(call, name, context, resolver, ctx)

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        """A generic ``ListView``: its rows reach its template as ``object_list``."""
        resolver = _resolver(ctx)
        view = list_view(node, ctx.tree, resolver)
        if view is None:
            return
        rows, template, names = view
        context = _Context(dict.fromkeys(names, rows.origin), {})
        self._check_render(node, template, context, resolver, ctx, rows=rows)

    def _check_render(
        self,
        node: ast.AST,
        name: str,
        context: _Context,
        resolver: Resolver,
        ctx: FileContext,
        *,
        rows: QuerySet | None = None,
    ) -> None:
        path = find_template(ctx.project.selection.config(), name)
        if path is None:
            return
        shown = _display(path, ctx.project.root)
        by_iterable: dict[tuple[str, tuple[str, ...]], list[Loop]] = {}
        for loop in _loops(path):
            by_iterable.setdefault((loop.variable, loop.through), []).append(loop)
        for (variable, through), loops in by_iterable.items():
            value = context.values.get(variable)
            if value is None:
                continue
            if through:
                found = _related_rows(value, through, context.env, resolver)
            else:
                found = rows if rows is not None else _rows(value, context.env, resolver)
            if found is None:
                continue
            loads = _widest([load for loop in loops for load in _loads(found, loop, resolver)])
            if not loads:
                continue
            self.report(
                ctx,
                node,
                end=_end(node),
                variable=".".join((variable, *through)),
                template=shown,
                line=loops[0].line,
                reads=_reads_text(loops[0].row, loads),
                advice=_advice(loops[0].row, loads, _where(found)),
            )

    VALID = (
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


def _render_calls(function: Function) -> Iterator[ast.Call]:
    for node in walk_scope(function):
        if isinstance(node, ast.Call) and last_part(dotted_name(node.func)) in _RENDERERS:
            yield node


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _template_name(call: ast.Call) -> str | None:
    position, _ = _RENDERERS[last_part(dotted_name(call.func))]
    name = _argument(call, position, "template_name")
    if name is None:
        name = _argument(call, position, "template")
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        return name.value
    return None


def _context_at(function: Function, call: ast.Call, resolver: Resolver) -> _Context | None:
    """The render call's context dict and what each local name holds when it runs.

    Statements before the call are read in source order; a name bound to something unknown
    forgets what it held.
    """
    _, position = _RENDERERS[last_part(dotted_name(call.func))]
    argument = _argument(call, position, "context")
    env: dict[str, Binding] = {}
    dicts: dict[str, dict[str, ast.expr]] = {}
    before = sorted(
        (n for n in walk_scope(function) if isinstance(n, ast.Assign) and n.lineno < call.lineno),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for assign in before:
        _bind(assign, env, dicts, resolver)
    if isinstance(argument, ast.Dict):
        values = _dict_values(argument)
    elif isinstance(argument, ast.Name) and argument.id in dicts:
        values = dicts[argument.id]
    else:
        return None
    return _Context(values, env)


def _bind(
    assign: ast.Assign,
    env: dict[str, Binding],
    dicts: dict[str, dict[str, ast.expr]],
    resolver: Resolver,
) -> None:
    if len(assign.targets) != 1:
        return
    target, value = assign.targets[0], assign.value
    if isinstance(target, ast.Name):
        dicts.pop(target.id, None)
        if isinstance(value, ast.Dict):
            dicts[target.id] = _dict_values(value)
        env[target.id] = _rows(value, env, resolver) or resolver.row(value, env)
    elif (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id in dicts
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
    ):
        dicts[target.value.id][target.slice.value] = value


def _dict_values(node: ast.Dict) -> dict[str, ast.expr]:
    return {
        key.value: value
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def _rows(node: ast.expr, env: Mapping[str, Binding], resolver: Resolver) -> QuerySet | None:
    """The queryset whose rows iterating ``node`` yields: a queryset, or a page of one."""
    rows = resolver.queryset(node, env)
    if rows is not None:
        return rows
    if isinstance(node, ast.Call) and _called_name(node) in _PAGERS:
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            paged = func.value  # Paginator(queryset, per_page).get_page(number)
            if _called_name(paged) == "Paginator" and paged.args:
                return resolver.queryset(paged.args[0], env)
        if node.args:  # paginate(queryset, page): a project helper
            return resolver.queryset(node.args[0], env)
    return None


def _related_rows(
    value: ast.expr, through: tuple[str, ...], env: Mapping[str, Binding], resolver: Resolver
) -> QuerySet | None:
    """The rows of ``{% for x in obj.relation %}`` (or ``.all``) over a context object: its
    related manager, as a queryset of the view's code would be."""
    if len(through) > 2 or (len(through) == 2 and through[1] != "all"):
        return None
    owner = resolver.row(value, env) or _rows(value, env, resolver)
    if owner is None:
        return None
    node: ast.expr = ast.Attribute(ast.Name(_OWNER, ast.Load()), through[0], ast.Load())
    if len(through) == 2:
        node = ast.Call(ast.Attribute(node, "all", ast.Load()), [], [])
    related = resolver.queryset(node, {_OWNER: owner})
    return related if related is not None and related.rows == "instances" else None


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else last_part(dotted_name(func))


def _loops(path: Path) -> list[Loop]:
    """The template's loops, parsed once per version of the file."""
    try:
        status = os.stat(path)
    except OSError:
        return []
    key = (path, status.st_mtime_ns, status.st_size)
    loops = _PARSED.get(key)
    if loops is None:
        text = read_template(path)
        loops = _PARSED[key] = template_loops(text) if text is not None else []
    return loops


def _loads(rows: QuerySet, loop: Loop, resolver: Resolver) -> Iterator[tuple[Load, int]]:
    """Each relation the loop loads per row, once, with the first template line reading it."""
    if rows.rows != "instances" or rows.loaded.opaque or (rows.bound or 2) <= 1:
        return
    instance = Instance(rows.model, rows.loaded, rows, (), loop.row)
    seen: set[str] = set()
    for read in loop.reads:
        load = interpret(resolver.models, instance, read.path, called=True)
        if load is None or load.kind not in _LOADS or load.lookup in seen:
            continue
        if load.method and load.method not in PREFETCH_CACHED:
            continue  # ``.filter()``, ``.order_by()``: a query per row even when prefetched
        seen.add(load.lookup)
        yield load, read.line


def _widest(loads: list[tuple[Load, int]]) -> list[tuple[Load, int]]:
    """One load per chain (``thread__mailinglist`` covers ``thread``), at the first line that
    loads any part of it; in the order the template first reads them."""
    first: dict[str, tuple[Load, int]] = {}
    for load, line in loads:
        if load.lookup not in first:
            first[load.lookup] = (load, line)
    widest = []
    for lookup, (load, line) in first.items():
        if any(other.startswith(f"{lookup}__") for other in first):
            continue
        covered = [at for other, (_, at) in first.items() if lookup.startswith(f"{other}__")]
        widest.append((load, min([line, *covered])))
    return sorted(widest, key=lambda pair: pair[1])


def _reads_text(row: str, loads: list[tuple[Load, int]]) -> str:
    shown = [f"`{row}.{load.lookup.replace('__', '.')}` (line {line})" for load, line in loads]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _advice(row: str, loads: list[tuple[Load, int]], where: str) -> str:
    """Where to load what the rows read: the queryset's lookups, and ``_id`` for a key."""
    select = sorted({load.lookup for load, _ in loads if load.kind == "select"})
    prefetch = sorted({load.lookup for load, _ in loads if load.kind == "prefetch"})
    deferred = sorted({load.lookup for load, _ in loads if load.kind == "deferred"})
    keys = sorted({load.lookup for load, _ in loads if load.kind == "pk"})
    parts = []
    if select:
        parts.append(f"`.select_related({_quoted(select)})`")
    if prefetch:
        parts.append(f"`.prefetch_related({_quoted(prefetch)})`")
    if deferred:
        parts.append(f"the deferred field{'s' if len(deferred) > 1 else ''} {', '.join(deferred)}")
    advice = [f"add {' and '.join(parts)} to the queryset{where}"] if parts else []
    advice += [f"read `{row}.{key.replace('__', '.')}_id` for its key" for key in keys]
    return "; ".join(advice)


def _quoted(lookups: list[str]) -> str:
    return ", ".join(f'"{lookup}"' for lookup in lookups)


def _where(rows: QuerySet) -> str:
    line = getattr(rows.origin, "lineno", None)
    return f" at line {line}" if isinstance(line, int) else ""


def _end(node: ast.AST) -> tuple[int, int] | None:
    """A class is reported on its ``class Name`` words, not on its whole body."""
    if isinstance(node, ast.ClassDef):
        return node.lineno, node.col_offset + len("class ") + len(node.name)
    return None


def _resolver(ctx: FileContext) -> Resolver:
    """One resolver per file, shared by its functions and classes (it memoises helpers)."""
    resolver = ctx.cache.get(_RESOLVER)
    if not isinstance(resolver, Resolver):
        helpers = {s.name: s for s in ctx.tree.body if isinstance(s, ast.FunctionDef)}
        resolver = ctx.cache[_RESOLVER] = Resolver(ctx, helpers)
    return resolver


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
