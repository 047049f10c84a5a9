from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Invalid, Valid
from errguard.registry import FunctionRule
from errguard.rules._deliberate_queries import deliberate
from errguard.rules._example_models import SHOP
from errguard.rules._nplusone import QueryInLoop as Finding
from errguard.rules._nplusone_driver import AnalysedNode, analysis_for

_ADVICE = {
    "get": "fetch them all in one query before the loop ({model}.objects.in_bulk(...) or "
    ".filter(<field>__in=...))",
    "exists": "fetch the matching keys once (.values_list(..., flat=True)) or annotate an "
    "Exists(...) subquery",
    "count": "count them in one query (.annotate(Count(...)) on the outer queryset, or "
    ".values(...).annotate(Count(...)))",
    "aggregate": "aggregate in one query with .values(...).annotate(...)",
    "in_bulk": "call in_bulk() once, for all the keys, before the loop",
}
_FETCH = "fetch all the rows in one query (.filter(<field>__in=...)) and group them in Python"


class QueryInLoop(FunctionRule):
    """A query executed once per iteration of a loop over data.

    ## What it does
    Flags a query run inside a loop whose length depends on data: `Model.objects.get(...)`,
    `get_object_or_404(...)`, `.filter(...).exists()`, `.count()`, `.first()`, `.last()`,
    `.aggregate()`, a queryset evaluated by iteration, `list()`, `len()`, `bool()`, a truth
    test (`if not qs:`) or a membership test (`x in qs.values_list(...)`), or a same-module
    helper whose result is used and that runs such a query (`_hours_logged(task)`; not a
    helper that writes, or is memoised with `lru_cache` or by hand in a dict it tests and fills).
    Data-sized loops are loops over a queryset, a list built from one, a function argument, or
    values derived from those (`payload["items"]`, `request.POST.getlist("ids")`), and the
    rows of a file (`csv.DictReader(upload)`).

    Not flagged: loops over literal tuples, lists and dicts, `range()` of a small literal,
    module constants (`for code in CURRENCIES`), a management command's own arguments (what a
    person typed, also when a command method passes them on to another), a queryset variable
    already evaluated (`if not books:`, `len(books)`: its rows are cached), the list
    `bulk_create()` returns, a branch run when a key changes (`if row["sku"] != previous:
    ...; previous = row["sku"]`: once per group of sorted rows), loops that run their body
    once, queries in a branch that leaves the loop, `while` loops, queries that lock their row with
    `select_for_update()` (a lock taken row by row is deliberate; a bulk query would change what
    is locked, and when), and queries through a loop variable's own relations
    (`author.books.count()`), which are reported by EG101 with a fix.

    Nor queries a loop runs on purpose, or only a few times: a search for the first match
    (`try: get(...)` with `else: break`: the order of preference is the point), a value fetched
    lazily once (`if fallback is None: fallback = ...get(...)`, when nothing else in the loop
    rebinds the name), the forms of a formset (`for form in formset.forms`: one page a person
    submitted), `range()` of a parameter whose default is a small number (`attempts=3`), the
    rows of a file the code ships (its path spelled in the code: `Path(__file__).parent /
    "tags.csv"`, `settings.BASE_DIR`, a string; seed and fixture data), a
    page per iteration (`for start in range(0, total, size): qs[start:start + size]`, or
    `pk__gte=start`), rows fetched one at a time by the primary keys read first
    (`for pk in M.objects.values_list("pk", flat=True): M.objects.get(pk=pk)`) over the whole
    table, from streamed keys (`.iterator()`) or one per `atomic()` block (paging to keep memory
    flat or a transaction per row), a queryset whose arguments do not change streamed with
    `.iterator()` (hoisting it would hold every row in memory), and a count or `exists()` of the
    rows the same iteration updates or deletes in bulk (`.filter(...).update(...)`), or a count
    of rows it hands whole to a function in an iteration that writes (a job per partition: the
    count rides along with it). The first match, the lazy fetch, the formset, the small range and
    the shipped file bound only their own loop: inside another loop the query is still reported.

    A query that reads nothing the loop changes is advised to run once before the loop; not one
    whose arguments change between iterations, one ordered at random (`order_by("?")`, also on
    the queryset's variable), or one whose rows the loop writes (through the same model, manager
    or variable, any `save()` or `delete()`, or a same-module function or method that writes).

    ## Why is this bad?
    The number of queries grows with the data: one per row of the outer loop. A bulk query
    (`in_bulk`, `filter(x__in=...)`, an annotation, an `Exists` subquery) does the same work in
    one round trip.

    ## Example
    ```python
    def order_lines(payload):
        return [Product.objects.get(sku=line["sku"]) for line in payload["lines"]]
    ```

    ## Use instead
    ```python
    def order_lines(payload):
        skus = [line["sku"] for line in payload["lines"]]
        products = Product.objects.in_bulk(skus, field_name="sku")
        return [products[sku] for sku in skus]
    ```

    ## Fix safety
    There is no automatic fix: turning per-row queries into a bulk query changes how missing
    rows and ordering behave, which only a person can decide. The message suggests the bulk
    form that fits the query.
    """

    uses_models = True
    code = "EG102"
    message = (
        "query in loop: {query} runs once per iteration of the loop over {loop} at line {line}; "
        "{advice}"
    )

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        self.check_function(node, ctx)

    def check_function(self, node: AnalysedNode, ctx: FileContext) -> None:
        analysis = analysis_for(ctx, node)
        for found in analysis.queries if analysis else ():
            if not found.grows or deliberate(found, node):
                continue
            self.report(
                ctx,
                found.node,
                query=ctx.segment(found.node),
                loop=ctx.segment(found.loop.iterable),
                line=getattr(found.loop.node, "lineno", 0),
                advice=_advice(found),
            )

    VALID = (
        Valid(
            """
            from django.db import transaction
            from shop.models import Book

            def reprice(book_ids):
                for book_id in book_ids:
                    # One row locked and updated at a time: a deliberate lock, not a read to batch.
                    with transaction.atomic():
                        book = Book.objects.select_for_update().get(pk=book_id)
                        book.price += 1
                        book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from functools import lru_cache
            from django.core.management.base import BaseCommand
            from shop.models import Tag

            @lru_cache(maxsize=None)
            def tag_named(name):
                return Tag.objects.get(name=name)

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    # The names a person typed on the command line: a handful.
                    for name in options["names"]:
                        self.stdout.write(str(Tag.objects.filter(name=name).exists()))

            def tag_ids(names):
                return [tag_named(name).pk for name in names]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def counts():
                return {t: Book.objects.filter(title=t).count() for t in ("a", "b", "c")}
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def fetch_with_retry(pk):
                for attempt in range(3):
                    try:
                        return Book.objects.get(pk=pk)
                    except Book.DoesNotExist:
                        continue
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author

            def counts():
                # Through the loop variable's relation: EG101 reports it, with a fix.
                return [author.books.count() for author in Author.objects.all()]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def first_in_stock(skus):
                for sku in skus:
                    if sku.startswith("X"):
                        return Book.objects.get(title=sku)
                return None
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            CURRENCIES = ("EUR", "USD")

            def totals():
                return {code: Book.objects.filter(title=code).count() for code in CURRENCIES}
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def batches():
                while Book.objects.filter(price=0).exists():
                    Book.objects.filter(pk__in=Book.objects.filter(price=0)[:100]).delete()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def titles(ids):
                books = Book.objects.in_bulk(ids)
                return [books[pk].title for pk in ids if pk in books]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author

            class Importer:
                def __init__(self):
                    self.authors = {}

                def author(self, email):
                    # Memoised by hand: one query per distinct email, not per row.
                    if email not in self.authors:
                        self.authors[email] = Author.objects.get(email=email)
                    return self.authors[email]

                def import_books(self, rows):
                    return [(row["title"], self.author(row["email"])) for row in rows]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def create_books(titles):
                # bulk_create() returns the list of instances it was given: no queryset.
                books = Book.objects.bulk_create(Book(title=t, author_id=1) for t in titles)
                for book in books:
                    print(book.title)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.core.management.base import BaseCommand
            from shop.models import Tag

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    self.stdout.write(str(self.tags(options["names"].split(","))))

                def tags(self, names):
                    # Only ever called with what the operator typed: a handful of names.
                    return [Tag.objects.get(name=name) for name in names]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def stock(rows):
                previous, book = None, None
                for row in rows:
                    if row["title"] != previous:
                        # Once per run of equal titles, not once per row.
                        book = Book.objects.get(title=row["title"])
                        previous = row["title"]
                    print(book.price, row["count"])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author

            def author_for(emails):
                # Tried in order of preference until one is found: a bulk query loses the order.
                for email in emails:
                    try:
                        author = Author.objects.get(email=email)
                    except Author.DoesNotExist:
                        continue
                    else:
                        break
                else:
                    return None
                return author
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Tag

            def tag_rows(rows):
                fallback = None
                for row in rows:
                    if not row.get("tag"):
                        if fallback is None:
                            # Fetched for the first row that needs it, then reused.
                            fallback = Tag.objects.get(name="untagged")
                        row["tag"] = fallback
                return rows
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def save_prices(formset):
                # One form per row of the page the person submitted.
                for form in formset.forms:
                    book = Book.objects.get(pk=form.cleaned_data["id"])
                    book.price = form.cleaned_data["price"]
                    book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def thumbnails():
                # A row at a time, to keep memory flat: iterating the rows is what it avoids.
                for pk in Book.objects.values_list("pk", flat=True):
                    book = Book.objects.get(pk=pk)
                    print(book.title)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db import transaction
            from shop.models import Book

            def reprice():
                cheap = Book.objects.filter(price__lt=5)
                # One row locked in its own transaction at a time, from the keys read first.
                for pk in cheap.values_list("pk", flat=True):
                    with transaction.atomic():
                        book = Book.objects.get(pk=pk)
                        book.price += 1
                        book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def export(write):
                # The keys streamed, each row fetched when its turn comes.
                for pk in Book.objects.filter(price=0).values_list("pk", flat=True).iterator():
                    write(Book.objects.get(pk=pk))
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def export(total, write, size=500):
                # A page of rows per iteration: one pass over the table in all.
                for start in range(0, total, size):
                    write(list(Book.objects.order_by("pk")[start : start + size]))
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def sample(author_id, picks=3):
                # A parameter whose default is a small number: a sample, not data.
                return [Book.objects.filter(author_id=author_id).order_by("?").first()
                        for _ in range(picks)]
            """,
            files=SHOP,
        ),
        Valid(
            """
            import csv
            from pathlib import Path
            from shop.models import Tag

            SEED = Path(__file__).parent / "tags.csv"

            def seed_tags():
                with open(SEED) as seed:
                    # The tags the repository ships: a fixed, reviewed list.
                    for row in csv.DictReader(seed):
                        if not Tag.objects.filter(name=row["name"]).exists():
                            Tag.objects.create(name=row["name"])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def run_hooks(hooks):
                for hook in hooks:
                    # Streamed: running it once before the loop would hold every row in memory.
                    for book in Book.objects.iterator():
                        hook(book)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def recount(author_ids):
                # A job per author: each iteration updates that author's books in bulk, and
                # the count only reports on it.
                for author_id in author_ids:
                    updated = Book.objects.filter(author_id=author_id).update(price=0)
                    print(updated, Book.objects.filter(author_id=author_id).count())
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Book

            def reindex(author_ids, index):
                for author_id in author_ids:
                    books = Book.objects.filter(author_id=author_id)
                    # A job per author: the books go whole to the indexer, the run is
                    # recorded, and the count rides along.
                    indexed = index(books)
                    Author.objects.filter(pk=author_id).update(name=f"{indexed}/{books.count()}")
            """,
            files=SHOP,
        ),
    )
    INVALID = (
        Invalid(
            """
            from shop.models import Tag

            def make_tag(name):
                Tag.objects.create(name=name)

            def grow(names):
                for name in names:
                    # make_tag() writes tags: the count changes on every iteration.
                    make_tag(f"{name}-{Tag.objects.count()}")
            """,
            files=SHOP,
            message="query in loop: Tag.objects.count() runs once per iteration of the loop over "
            "names at line 7; count them in one query (.annotate(Count(...)) on the outer "
            "queryset, or .values(...).annotate(Count(...)))",
        ),
        Invalid(
            """
            from shop.models import Tag

            def pick(names):
                tags = Tag.objects.order_by("?")
                for name in names:
                    print(name, tags.first())  # another random tag on every iteration
            """,
            files=SHOP,
            message="query in loop: tags.first() runs once per iteration of the loop over names "
            "at line 5; fetch them in one query (.filter(<field>__in=...) or a Subquery "
            "annotation)",
        ),
        Invalid(
            """
            import csv
            import os
            from shop.models import Tag

            def import_tags(folder):
                # A path built from a constant and an argument: whatever file it names.
                with open(os.path.join(folder, "tags.csv")) as upload:
                    for row in csv.DictReader(upload):
                        Tag.objects.get(name=row["name"])
            """,
            files=SHOP,
            line=9,
        ),
        Invalid(
            """
            from shop.models import Book

            def mail_authors(author_ids, send):
                for author_id in author_ids:
                    books = Book.objects.filter(author_id=author_id)
                    if books.exists():  # a lookup per author: no job is run or recorded
                        send(books)
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Book

            def attempts(rows, tries=3):
                for row in rows:
                    # A small range inside a loop over data: it repeats once per row too.
                    for _ in range(tries):
                        if Book.objects.filter(title=row["title"]).exists():
                            break
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            from shop.models import Book

            def pages(last):
                # A step, but each iteration reads by an author's key, not a page.
                for author_id in range(0, last, 2):
                    print(Book.objects.filter(author_id=author_id).count())
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Author

            def authors(emails):
                found = []
                for email in emails:
                    try:  # every email that exists is fetched: no first match ends the loop
                        found.append(Author.objects.get(email=email))
                    except Author.DoesNotExist:
                        continue
                return found
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            from shop.models import Author

            def authors(rows):
                for row in rows:
                    author = row.get("author")
                    if author is None:  # rebound on every row: one query per row without one
                        author = Author.objects.get(email=row["email"])
                    print(author.name)
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            from shop.models import Book

            def discount(form):
                # The books the person ticked: as many as the list offers.
                for pk in form.cleaned_data["books"]:
                    Book.objects.filter(pk=pk, price__gt=0).exists()
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Book

            def retag(author, tag):
                pks = list(Book.objects.filter(author=author).values_list("pk", flat=True))
                for pk in pks:  # a filtered list of keys, fetched one by one
                    Book.objects.get(pk=pk).tags.add(tag)
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Book

            def by_author(author_ids):
                for author_id in author_ids:
                    # Filtered per author: one query per author, streamed or not.
                    for book in Book.objects.filter(author_id=author_id).iterator():
                        print(book.title)
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Author, Book

            def label(authors):
                for author in authors:
                    # A per-row save, not a bulk write over the counted rows.
                    author.name = f"{author.name} ({Book.objects.filter(author=author).count()})"
                    author.save()
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Book

            def stock(rows):
                previous, book = None, None
                for row in rows:
                    if row["title"] != previous or row["fresh"]:  # also on every fresh row
                        book = Book.objects.get(title=row["title"])
                        previous = row["title"]
                    print(book.price, row["count"])
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            import csv
            from django.core.management.base import BaseCommand
            from shop.models import Tag

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    with open(options["path"]) as upload:
                        self.tags(list(csv.DictReader(upload)))

                def tags(self, rows):
                    # The rows of a file, not what the operator typed.
                    return [Tag.objects.get(name=row["tag"]) for row in rows]
            """,
            files=SHOP,
            line=12,
        ),
        Invalid(
            """
            from shop.models import Book

            def cheap_books(author_ids):
                for author_id in author_ids:
                    books = Book.objects.filter(author_id=author_id, price__lt=5)
                    if not books:  # evaluated once per author: a query per iteration
                        continue
                    print([book.title for book in books])  # the cached rows: no query
            """,
            files=SHOP,
            line=6,
            column=16,
        ),
        Invalid(
            """
            import csv
            from shop.models import Book

            def import_titles(path):
                with open(path) as upload:
                    for row in csv.DictReader(upload):  # as many rows as the file has
                        if row["title"] not in Book.objects.values_list("title", flat=True):
                            print(row["title"])
            """,
            files=SHOP,
            line=7,
            column=36,
        ),
        Invalid(
            """
            from django.shortcuts import get_object_or_404
            from shop.models import Book, Review

            def _stars(book):
                return Review.objects.filter(book=book).count()

            def unreviewed(book_ids):
                found = []
                for pk in book_ids:
                    book = get_object_or_404(Book, pk=pk)
                    if not Review.objects.filter(book=book):
                        found.append((book.title, _stars(book)))
                return found
            """,
            files=SHOP,
            count=3,
            line=10,
            column=16,
        ),
        Invalid(
            """
            from orders.models import Customer

            def names(ids):
                return [Customer.objects.get(pk=pk).name for pk in ids]
            """,
            line=4,
            column=13,
        ),
        Invalid(
            """
            from shop.models import Book

            def order_lines(payload):
                return [Book.objects.get(pk=line["id"]) for line in payload["lines"]]
            """,
            files=SHOP,
            line=4,
            column=13,
            message='query in loop: Book.objects.get(pk=line["id"]) runs once per iteration of '
            'the loop over payload["lines"] at line 4; fetch them all in one query before the '
            "loop (Book.objects.in_bulk(...) or .filter(<field>__in=...))",
        ),
        Invalid(
            """
            from shop.models import Book, Review

            def ratings():
                result = {}
                for book in Book.objects.all():
                    result[book.pk] = Review.objects.filter(book=book).count()
                return result
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Author, Book

            def by_author():
                for author in Author.objects.all():
                    for book in Book.objects.filter(author=author):
                        print(author.name, book.title)
            """,
            files=SHOP,
            line=5,
        ),
        Invalid(
            """
            from shop.models import Book, Tag

            def tag_books(book_ids):
                for book_id in book_ids:
                    default = Tag.objects.get(name="new")
                    Book.objects.get(pk=book_id).tags.add(default)
            """,
            files=SHOP,
            count=2,
            message='query in loop: Tag.objects.get(name="new") runs once per iteration of the '
            "loop over book_ids at line 4; it does not change between iterations: run it once "
            "before the loop",
        ),
        Invalid(
            """
            from shop.models import Tag

            def add_tags(names):
                for name in names:
                    # The count grows as the loop creates tags: it is not the same every time.
                    Tag.objects.create(name=f"{name}-{Tag.objects.count()}")
            """,
            files=SHOP,
            message="query in loop: Tag.objects.count() runs once per iteration of the loop over "
            "names at line 4; count them in one query (.annotate(Count(...)) on the outer "
            "queryset, or .values(...).annotate(Count(...)))",
        ),
        Invalid(
            """
            from shop.models import Book

            def missing(titles):
                return [t for t in titles if not Book.objects.filter(title=t).exists()]
            """,
            files=SHOP,
        ),
    )


def _advice(found: Finding) -> str:
    if found.invariant:
        return "it does not change between iterations: run it once before the loop"
    template = _ADVICE.get(found.method)
    if template is None and found.method in ("first", "last", "earliest", "latest"):
        template = "fetch them in one query (.filter(<field>__in=...) or a Subquery annotation)"
    return (template or _FETCH).format(model=found.queryset.model.name)
