from __future__ import annotations

import ast
from collections.abc import Iterator

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.project.modules import runs_once_or_in_tests
from errguard.registry import Rule
from errguard.rules._shared.example_models import SHOP
from errguard.rules.queries._api_views import Endpoint, list_endpoint
from errguard.rules.queries._bindings import Instance
from errguard.rules.queries._querysets import file_resolver
from errguard.rules.queries._relations import PREFETCH_CACHED, Load, interpret
from errguard.rules.queries._serializers import FieldRead

# Chains to which a select_related/prefetch_related cannot simply be appended.
_NOT_FIXABLE = frozenset(
    {
        "only", "defer", "values", "values_list", "union", "intersection", "difference",
        "raw", "extra", "select_for_update", "iterator",
    }
)  # fmt: skip
_SERIALIZERS = {
    **SHOP,
    "shop/serializers.py": """\
from rest_framework import serializers
from shop.models import Author, Book


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()
    editor_name = serializers.CharField(source="editor.name", default=None)
    review_count = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = ["id", "title", "author", "editor_name", "tags", "review_count"]

    def get_review_count(self, obj):
        return obj.review_set.count()


class BookKeySerializer(serializers.ModelSerializer):
    author_key = serializers.SerializerMethodField()
    secret = AuthorSerializer(source="editor", write_only=True)

    class Meta:
        model = Book
        fields = ["id", "author", "author_key", "secret"]

    def get_author_key(self, obj):
        return obj.author_id


class TaggedBookSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Book
        fields = ["id", "title", "author", "tags"]
""",
}


class SerializerNPlusOne(Rule):
    """A DRF list endpoint whose serializer reads a relation of every row it lists.

    ## What it does
    Follows a list endpoint (a class based on `ListAPIView`, `ListCreateAPIView`,
    `ModelViewSet`, `ReadOnlyModelViewSet` or `ListModelMixin`) to its `serializer_class`, a
    `ModelSerializer` of the same model read from the project's source, and flags the
    `serializer_class` line when a field of it reads, for every row, a relation that the
    view's rows (`queryset`, or what `get_queryset()` returns) do not load with
    `select_related()`/`prefetch_related()` (a `Prefetch` object counts): a nested serializer
    (`author = AuthorSerializer()`, `tags = TagSerializer(many=True)`), `StringRelatedField` and
    `SlugRelatedField`, a related field with `many=True`, a dotted `source="author.name"`, the
    `obj.<relation>` reads of a `SerializerMethodField`'s `get_<field>(self, obj)` (an
    `obj.tags.all()`, `.count()` or `.exists()` that a prefetch would serve), and a
    many-to-many or reverse relation named in `Meta.fields` without a declared field (DRF lists
    its keys with one query per row).

    Not flagged: `obj.author_id` and a foreign key in `Meta.fields` (DRF shows its key without
    loading it), write-only fields, `.values()` rows, querysets errguard cannot read fully
    (a dynamic `prefetch_related(*names)`, a project's queryset method that changes loading),
    serializers with a `setup_eager_loading`-style method or `Meta.depth`, views that choose
    their serializer or rows per request in a way not read here (`get_serializer_class()`,
    `list()`, `get_serializer()`, `filter_queryset()`, a `get_queryset()` of a base class in
    another module), detail-only views, tests and migrations.

    ## Why is this bad?
    DRF serialises a page of rows field by field: a field reading `book.author` runs one query
    per book, so a page of 100 books costs 101 queries, or more with each such field. Nothing in
    the view or serializer shows a loop, so review does not see it.

    ## Example
    ```python
    class BookList(generics.ListAPIView):
        queryset = Book.objects.all()
        serializer_class = BookSerializer  # author = AuthorSerializer(), tags in Meta.fields
    ```

    ## Use instead
    ```python
    class BookList(generics.ListAPIView):
        queryset = Book.objects.select_related("author").prefetch_related("tags")
        serializer_class = BookSerializer
    ```

    ## Fix safety
    When the view's rows are its own `queryset` attribute (no `get_queryset()`) and the chain
    has no `only()`, `defer()`, `values()` or combined query, the fix appends the lookups to
    it: the rows and their order do not change, only the queries that load them. Otherwise
    the message names the lookups to add to the queryset that `get_queryset()` returns.
    """

    code = "EG105"
    message = (
        "`{view}` lists {model} rows with `{serializer}`, which reads {reads} of every row: "
        "{advice}"
    )
    triggers = (b"serializer_class",)
    uses_models = True
    fix = Applicability.SAFE
    fix_title = "Load the relations in the view's queryset"

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if runs_once_or_in_tests(ctx.source.path, ctx.project.root):
            return
        endpoint = list_endpoint(node, ctx, file_resolver(ctx))
        if endpoint is None:
            return
        loads = list(_loads(endpoint, ctx))
        if not loads:
            return
        select = _widest(load.lookup for _, load in loads if load.kind == "select")
        prefetch = _widest(load.lookup for _, load in loads if load.kind == "prefetch")
        fixable = _fixable(endpoint, ctx)
        self.report(
            ctx,
            endpoint.statement,
            fix=fixable,
            fix_data={
                "span": ctx.span(endpoint.queryset) if endpoint.queryset else None,
                "select": select,
                "prefetch": prefetch,
            },
            view=node.name,
            model=endpoint.rows.model.name,
            serializer=endpoint.serializer.name,
            reads=_reads_text(loads, endpoint),
            advice=_advice(select, prefetch, endpoint),
        )

    VALID = (
        Valid(
            """
            from rest_framework import generics, viewsets
            from shop.models import Book
            from shop.serializers import BookKeySerializer, BookSerializer

            class BookList(generics.ListAPIView):
                queryset = Book.objects.select_related("author", "editor").prefetch_related(
                    "tags", "review_set"
                )
                serializer_class = BookSerializer

            class BookKeys(viewsets.ReadOnlyModelViewSet):
                queryset = Book.objects.all()
                serializer_class = BookKeySerializer

            class BookDetail(generics.RetrieveAPIView):
                queryset = Book.objects.all()
                serializer_class = BookSerializer
            """,
            files=_SERIALIZERS,
        ),
        Valid(
            """
            from django.db.models import Prefetch
            from rest_framework import viewsets
            from shop.models import Book, Tag
            from shop.serializers import BookSerializer

            class Books(viewsets.ModelViewSet):
                serializer_class = BookSerializer

                def get_queryset(self):
                    tags = Prefetch("tags", queryset=Tag.objects.order_by("name"))
                    rows = Book.objects.select_related("author", "editor")
                    return rows.prefetch_related(tags, "review_set")

            class Chosen(viewsets.ModelViewSet):
                queryset = Book.objects.all()
                serializer_class = BookSerializer

                def get_serializer_class(self):
                    return BookSerializer if self.action == "retrieve" else None
            """,
            files=_SERIALIZERS,
        ),
    )
    INVALID = (
        Invalid(
            """
            from rest_framework import generics
            from shop.models import Book
            from shop.serializers import TaggedBookSerializer

            class BookList(generics.ListAPIView):
                queryset = Book.objects.all()
                serializer_class = TaggedBookSerializer
            """,
            line=7,
            column=5,
            message=(
                "`BookList` lists Book rows with `TaggedBookSerializer`, which reads `author` "
                "(shop.serializers:37) and `tags` (shop.serializers:41) of every row: add "
                '`.select_related("author")` and `.prefetch_related("tags")` to the view\'s '
                "queryset"
            ),
            fixed="""
            from rest_framework import generics
            from shop.models import Book
            from shop.serializers import TaggedBookSerializer

            class BookList(generics.ListAPIView):
                queryset = Book.objects.select_related("author").prefetch_related("tags")
                serializer_class = TaggedBookSerializer
            """,
            files=_SERIALIZERS,
        ),
        Invalid(
            """
            from rest_framework import viewsets
            from shop.models import Book
            from shop.serializers import BookSerializer

            class Books(viewsets.ModelViewSet):
                serializer_class = BookSerializer

                def get_queryset(self):
                    return Book.objects.filter(price__gt=0).prefetch_related("tags")
            """,
            line=6,
            message=(
                "`Books` lists Book rows with `BookSerializer`, which reads `author` "
                "(shop.serializers:12), `editor_name` (`editor.name`, shop.serializers:13) "
                "and `review_count` (`obj.review_set.count()`, shop.serializers:21) of every "
                'row: add `.select_related("author", "editor")` and '
                '`.prefetch_related("review_set")` to the queryset `get_queryset()` returns'
            ),
            files=_SERIALIZERS,
        ),
    )


def _loads(endpoint: Endpoint, ctx: FileContext) -> Iterator[tuple[FieldRead, Load]]:
    """Each field read that loads a relation per row, once per lookup."""
    rows = endpoint.rows
    instance = Instance(rows.model, rows.loaded, rows, (), "obj")
    seen: set[str] = set()
    for read in endpoint.serializer.reads:
        load = interpret(ctx.models, instance, read.path, read.called)
        if load is None or load.kind not in ("select", "prefetch") or load.lookup in seen:
            continue
        if load.method and load.method not in PREFETCH_CACHED:
            continue  # ``obj.tags.filter()``: a query per row whatever is prefetched
        seen.add(load.lookup)
        yield read, load


def _widest(lookups: Iterator[str]) -> list[str]:
    """``author__publisher`` covers ``author``."""
    found = set(lookups)
    return sorted(a for a in found if not any(b.startswith(f"{a}__") for b in found))


def _reads_text(loads: list[tuple[FieldRead, Load]], endpoint: Endpoint) -> str:
    """Each field once, in source order, with how it reads the relation when not by name."""
    reads = sorted({read.field: read for read, _ in reversed(loads)}.values(), key=_line)
    shown = [
        f"`{read.field}` ({f'`{read.shown}`, ' if read.shown else ''}"
        f"{endpoint.serializer_path}:{read.line})"
        for read in reads
    ]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _line(read: FieldRead) -> int:
    return read.line


def _advice(select: list[str], prefetch: list[str], endpoint: Endpoint) -> str:
    parts = []
    if select:
        parts.append(f"`.select_related({_quoted(select)})`")
    if prefetch:
        parts.append(f"`.prefetch_related({_quoted(prefetch)})`")
    where = (
        "the view's queryset"
        if endpoint.queryset is not None
        else ("the queryset `get_queryset()` returns")
    )
    return f"add {' and '.join(parts)} to {where}"


def _quoted(lookups: list[str]) -> str:
    return ", ".join(f'"{lookup}"' for lookup in lookups)


def _fixable(endpoint: Endpoint, ctx: FileContext) -> bool:
    if endpoint.queryset is None:
        return False
    found = file_resolver(ctx).queryset(endpoint.queryset, {})
    return (
        found is not None and found.anchor is not None and not (found.anchor.methods & _NOT_FIXABLE)
    )
