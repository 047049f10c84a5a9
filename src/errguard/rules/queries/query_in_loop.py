from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Invalid, Valid
from errguard.registry import FunctionRule
from errguard.rules._shared.example_models import SHOP
from errguard.rules.queries._deliberate_queries import deliberate
from errguard.rules.queries._nplusone import QueryInLoop as Finding
from errguard.rules.queries._nplusone_driver import AnalysedNode, analysis_for

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
# A project manager whose method restricts the rows it is handed (for an example).
_ACCESS = """\
from django.db import models


class AccessManager(models.Manager):
    def restrict(self, queryset, user):
        return queryset.filter(owner=user)
"""


class QueryInLoop(FunctionRule):
    """A query executed once per iteration of a loop over a table's (or a file's) rows.

    ## What it does
    Flags a query run inside a loop whose length grows with a table or a file:
    `Model.objects.get(...)`, `get_object_or_404(...)`, `.filter(...).exists()`, `.count()`,
    `.first()`, `.last()`, `.aggregate()`, a queryset evaluated by iteration, `list()`, `len()`,
    `bool()`, a truth test (`if not qs:`) or a membership test (`x in qs.values_list(...)`), or
    a same-module helper whose result is used and that runs such a query (`_hours_logged(task)`;
    not a helper that writes, or is memoised with `lru_cache` or by hand in a dict it tests and
    fills). A loop grows with a table when it iterates a queryset of a model's manager
    (`Book.objects.filter(price=0)`, streamed with `.iterator()` or not, a project's queryset
    method, a list view's or an admin action's queryset), a list or values built from one,
    `range()` up to a table's count, or runs inside such a loop; with a file when it iterates
    the rows of one (`csv.DictReader(upload)`).

    Not flagged: loops bounded by what the code was given rather than by a table. A function's
    arguments and what is derived from them (form and request data, `payload["items"]`, an API
    client's lists, a management command's arguments): their size is the caller's, mostly a
    handful (the recipients of one email, the fields of one form). The rows of given objects: a
    related manager (`event.meta_properties.all()`) or a filter pinning a relation or the key to
    given values (`filter(event=event)`, `filter(thread_id__in=ids)`): one object's children
    are mostly its configuration (a mailing list's subscribers are not: such loops are missed).
    The distinct values of one column that is not a key or a relation
    (`values_list("currency", flat=True).distinct()`: one per category), the rows a manager
    method is handed (`restrict(queryset=rows)`), a slice with a literal end (`[:10]`), literal
    tuples, lists and dicts, `range()` of a small literal, module constants
    (`for code in CURRENCIES`).

    Nor a queryset variable already evaluated (`if not books:`, `len(books)`: its rows are
    cached), the list `bulk_create()` returns, a branch run when a key changes (`if row["sku"]
    != previous: ...; previous = row["sku"]`: once per group of sorted rows), loops that run
    their body once, queries in a branch that leaves the loop, `while` loops, queries that lock
    their row with `select_for_update()` (a lock taken row by row is deliberate; a bulk query
    would change what is locked, and when), and queries through a loop variable's own relations
    (`author.books.count()`), which are reported by EG101 with a fix.

    Nor queries a loop runs on purpose, or only a few times: a search for the first match
    (`try: get(...)` with `else: break`: the order of preference is the point), a value fetched
    lazily once (`if fallback is None: fallback = ...get(...)`, when nothing else in the loop
    rebinds the name), the rows of a file the code ships (its path spelled in the code:
    `Path(__file__).parent / "tags.csv"`, `settings.BASE_DIR`, a string; seed and fixture
    data), a page per iteration (`for start in range(0, total, size): qs[start:start + size]`,
    or `pk__gte=start`), rows fetched one at a time by the primary keys read first
    (`for pk in M.objects.values_list("pk", flat=True): M.objects.get(pk=pk)`) over the whole
    table, from streamed keys (`.iterator()`) or one per `atomic()` block (paging to keep memory
    flat or a transaction per row), a queryset whose arguments do not change streamed with
    `.iterator()` (hoisting it would hold every row in memory), and a count or `exists()` of the
    rows the same iteration updates or deletes in bulk (`.filter(...).update(...)`), or a count
    of rows it hands whole to a function in an iteration that writes (a job per partition: the
    count rides along with it). The first match, the lazy fetch and the shipped file bound only
    their own loop: inside another loop the query is still reported.

    A query that reads nothing the loop changes is advised to run once before the loop; not one
    whose arguments change between iterations, one ordered at random (`order_by("?")`, also on
    the queryset's variable), or one whose rows the loop writes (through the same model, manager
    or variable, any `save()` or `delete()`, or a same-module function or method that writes).

    ## Why is this bad?
    The number of queries grows with the table: one per row of the outer loop, on every run. A
    bulk query (`in_bulk`, `filter(x__in=...)`, an annotation, an `Exists` subquery) does the
    same work in one round trip.

    ## Example
    ```python
    def mark_stale_reviews():
        for review in Review.objects.filter(stale=False):
            book = Book.objects.get(pk=review.book_id)
            ...
    ```

    ## Use instead
    ```python
    def mark_stale_reviews():
        reviews = list(Review.objects.filter(stale=False))
        books = Book.objects.in_bulk([review.book_id for review in reviews])
        for review in reviews:
            book = books[review.book_id]
            ...
    ```

    ## Fix safety
    There is no automatic fix: turning per-row queries into a bulk query changes how missing
    rows and ordering behave, which only a person can decide. The message suggests the bulk
    form that fits the query.
    """

    uses_models = True
    code = "EG102"
    message = (
        "query in loop: {query} runs once per iteration of the loop over {loop} at line {line}"
    )
    help = "{advice}"

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
            import csv
            from django.db import transaction
            from shop.models import Book

            def reprice(upload):
                for row in csv.DictReader(upload):
                    # One row locked and updated at a time: a deliberate lock, not a read to batch.
                    with transaction.atomic():
                        book = Book.objects.select_for_update().get(pk=row["id"])
                        book.price += 1
                        book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from functools import lru_cache
            from shop.models import Book, Tag

            @lru_cache(maxsize=None)
            def tag_named(name):
                return Tag.objects.get(name=name)

            def tag_ids():
                # Memoised: one query per distinct title, not per book.
                return [tag_named(book.title).pk for book in Book.objects.all()]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def discount(form):
                # The books one person ticked on one form: bounded by what a person submits.
                for pk in form.cleaned_data["books"]:
                    Book.objects.filter(pk=pk, price__gt=0).exists()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def order_lines(payload):
                # The lines of one order a client sent: the caller's handful, not a table.
                return [Book.objects.get(pk=line["id"]) for line in payload["lines"]]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.core.management.base import BaseCommand
            from shop.models import Tag

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    # The names a person typed on the command line: a handful.
                    for name in options["names"]:
                        self.stdout.write(str(Tag.objects.filter(name=name).exists()))
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Review

            def author_page(author_id):
                author = Author.objects.get(pk=author_id)
                # One author's books: the rows of one object, not a table.
                return {book.title: Review.objects.filter(book=book).count()
                        for book in author.books.all()}
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book, Review

            def shelf(author, ids):
                # Pinned to a given author, or to the keys the caller gave.
                for book in Book.objects.filter(author=author):
                    print(Review.objects.filter(book=book).count())
                for book in Book.objects.filter(pk__in=ids):
                    print(Review.objects.filter(book=book).count())
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Review

            def by_stars():
                # One iteration per distinct rating, not per review.
                return {stars: Review.objects.filter(stars=stars).count()
                        for stars in Review.objects.values_list("stars", flat=True).distinct()}
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book, Publisher

            def visible(form, user):
                # The publishers the form offered, restricted: not the manager's whole table.
                offered = form.cleaned_data["publishers"]
                rows = Publisher.objects.restrict(queryset=offered, user=user)
                for publisher in rows:
                    print(Book.objects.filter(author__publisher=publisher).count())
            """,
            files={**SHOP, "shop/access.py": _ACCESS},
        ),
        Valid(
            """
            from shop.models import Book, Review

            def top_ten():
                # A slice with a literal end: ten rows, however large the table.
                return [Review.objects.filter(book=book).count()
                        for book in Book.objects.order_by("-price")[:10]]
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
            import csv
            from shop.models import Book

            def first_priced(upload):
                for row in csv.DictReader(upload):
                    if row["title"].startswith("X"):
                        return Book.objects.get(title=row["title"])
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

            def titles():
                ids = Book.objects.values_list("pk", flat=True)
                books = Book.objects.in_bulk(ids)
                return [books[pk].title for pk in ids if pk in books]
            """,
            files=SHOP,
        ),
        Valid(
            """
            import csv
            from shop.models import Author

            class Importer:
                def __init__(self):
                    self.authors = {}

                def author(self, email):
                    # Memoised by hand: one query per distinct email, not per row.
                    if email not in self.authors:
                        self.authors[email] = Author.objects.get(email=email)
                    return self.authors[email]

                def import_books(self, upload):
                    return [(row["title"], self.author(row["email"]))
                            for row in csv.DictReader(upload)]
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
            import csv
            from shop.models import Book

            def stock(upload):
                previous, book = None, None
                for row in csv.DictReader(upload):
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
            from shop.models import Author, Publisher

            def first_author_named(name):
                # Publishers tried in order until one has the author: a bulk query loses the order.
                for publisher in Publisher.objects.order_by("name"):
                    try:
                        author = Author.objects.get(publisher=publisher, name=name)
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
            import csv
            from shop.models import Tag

            def tag_rows(upload):
                rows = list(csv.DictReader(upload))
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

            def export(write, size=500):
                # A page of rows per iteration: one pass over the table in all.
                for start in range(0, Book.objects.count(), size):
                    write(list(Book.objects.order_by("pk")[start : start + size]))
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
            from shop.models import Author, Book

            def run_hooks(hook):
                for author in Author.objects.all():
                    # Streamed: running it once before the loop would hold every row in memory.
                    for book in Book.objects.iterator():
                        hook(author, book)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Book

            def recount():
                # A job per author: each iteration updates that author's books in bulk, and
                # the count only reports on it.
                for author in Author.objects.all():
                    updated = Book.objects.filter(author_id=author.pk).update(price=0)
                    print(updated, Book.objects.filter(author_id=author.pk).count())
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Book

            def reindex(index):
                for author in Author.objects.all():
                    books = Book.objects.filter(author_id=author.pk)
                    # A job per author: the books go whole to the indexer, the run is
                    # recorded, and the count rides along.
                    indexed = index(books)
                    Author.objects.filter(pk=author.pk).update(name=f"{indexed}/{books.count()}")
            """,
            files=SHOP,
        ),
    )
    INVALID = (
        Invalid(
            """
            from shop.models import Author, Tag

            def make_tag(name):
                Tag.objects.create(name=name)

            def grow():
                for author in Author.objects.all():
                    # make_tag() writes tags: the count changes on every iteration.
                    make_tag(f"{author.name}-{Tag.objects.count()}")
            """,
            files=SHOP,
            message="query in loop: Tag.objects.count() runs once per iteration of the loop over "
            "Author.objects.all() at line 7; count them in one query (.annotate(Count(...)) on "
            "the outer queryset, or .values(...).annotate(Count(...)))",
        ),
        Invalid(
            """
            from shop.models import Author, Tag

            def pick():
                tags = Tag.objects.order_by("?")
                for author in Author.objects.all():
                    print(author.name, tags.first())  # another random tag on every iteration
            """,
            files=SHOP,
            message="query in loop: tags.first() runs once per iteration of the loop over "
            "Author.objects.all() at line 5; fetch them in one query (.filter(<field>__in=...) "
            "or a Subquery annotation)",
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
            from shop.models import Author, Book

            def mail_authors(send):
                for author in Author.objects.all():
                    books = Book.objects.filter(author=author)
                    if books.exists():  # a lookup per author: no job is run or recorded
                        send(books)
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Author, Book

            def attempts(tries=3):
                for author in Author.objects.all():
                    # A small range inside a loop over a table: it repeats once per row too.
                    for _ in range(tries):
                        if Book.objects.filter(author=author).exists():
                            break
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            from shop.models import Book, Publisher

            def pages(last):
                for publisher in Publisher.objects.all():
                    # A step, but each iteration reads by an author's key, not a page.
                    for author_id in range(0, last, 2):
                        print(Book.objects.filter(author_id=author_id).count())
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            from shop.models import Book

            def by_position():
                total = Book.objects.count()
                # As many iterations as the table has rows, a query each.
                for pk in range(total):
                    print(Book.objects.filter(pk=pk).first())
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            import csv
            from shop.models import Author

            def authors(upload):
                found = []
                for row in csv.DictReader(upload):
                    try:  # every email that exists is fetched: no first match ends the loop
                        found.append(Author.objects.get(email=row["email"]))
                    except Author.DoesNotExist:
                        continue
                return found
            """,
            files=SHOP,
            line=8,
        ),
        Invalid(
            """
            import csv
            from shop.models import Author

            def authors(upload):
                for row in csv.DictReader(upload):
                    author = row.get("author")
                    if author is None:  # rebound on every row: one query per row without one
                        author = Author.objects.get(email=row["email"])
                    print(author.name)
            """,
            files=SHOP,
            line=8,
        ),
        Invalid(
            """
            from shop.models import Book

            def retag(tag):
                pks = list(Book.objects.filter(price=0).values_list("pk", flat=True))
                for pk in pks:  # a filtered list of keys, fetched one by one
                    Book.objects.get(pk=pk).tags.add(tag)
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Author, Book

            def by_author():
                for author in Author.objects.all():
                    # Filtered per author: one query per author, streamed or not.
                    for book in Book.objects.filter(author=author).iterator():
                        print(book.title)
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Author, Book

            def label():
                for author in Author.objects.all():
                    # A per-row save, not a bulk write over the counted rows.
                    author.name = f"{author.name} ({Book.objects.filter(author=author).count()})"
                    author.save()
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            import csv
            from shop.models import Book

            def stock(upload):
                previous, book = None, None
                for row in csv.DictReader(upload):
                    if row["title"] != previous or row["fresh"]:  # also on every fresh row
                        book = Book.objects.get(title=row["title"])
                        previous = row["title"]
                    print(book.price, row["count"])
            """,
            files=SHOP,
            line=8,
        ),
        Invalid(
            """
            from shop.models import Author, Book

            def cheap_books():
                for author in Author.objects.all():
                    books = Book.objects.filter(author=author, price__lt=5)
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
            import csv
            from django.shortcuts import get_object_or_404
            from shop.models import Book, Review

            def _stars(book):
                return Review.objects.filter(book=book).count()

            def unreviewed(upload):
                found = []
                for row in csv.DictReader(upload):
                    book = get_object_or_404(Book, pk=row["id"])
                    if not Review.objects.filter(book=book):
                        found.append((book.title, _stars(book)))
                return found
            """,
            files=SHOP,
            count=3,
            line=11,
            column=16,
        ),
        Invalid(
            """
            from orders.models import Customer, Order

            def names():
                return [Customer.objects.get(pk=order.customer_id).name
                        for order in Order.objects.all()]
            """,
            line=4,
            column=13,
        ),
        Invalid(
            """
            from shop.models import Book, Review

            def review_titles():
                return [Book.objects.get(pk=review.book_id).title
                        for review in Review.objects.all()]
            """,
            files=SHOP,
            line=4,
            column=13,
            message="query in loop: Book.objects.get(pk=review.book_id) runs once per iteration "
            "of the loop over Review.objects.all() at line 4; fetch them all in one query before "
            "the loop (Book.objects.in_bulk(...) or .filter(<field>__in=...))",
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
            from shop.models import Author, Review

            def report():
                for author in Author.objects.all():
                    # One author's books, but for every author: all the table's books in all.
                    for book in author.books.all():
                        print(Review.objects.filter(book=book).count())
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            from shop.models import Author, Book, Review

            def orphan_reviews():
                books = Book.objects.filter(author__in=Author.objects.filter(publisher=None))
                # Pinned to a table's rows, not to given ones.
                return [Review.objects.filter(book=book).exists() for book in books]
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Book

            def per_author():
                # The distinct authors of books: rows of another table, not categories.
                return {a: Book.objects.filter(author_id=a).count()
                        for a in Book.objects.values_list("author", flat=True).distinct()}
            """,
            files=SHOP,
            line=5,
        ),
        Invalid(
            """
            from django.contrib import admin
            from django.db.models import Count
            from shop.models import Author, Book

            @admin.register(Author)
            class AuthorAdmin(admin.ModelAdmin):
                actions = ["report"]

                def get_queryset(self, request):
                    return super().get_queryset(request).annotate(n=Count("books"))

                @admin.action(description="Report")
                def report(self, request, queryset):
                    # The rows a person selected: up to every author in the table.
                    for author in queryset:
                        print(Book.objects.filter(author=author, price=0).count())
            """,
            files=SHOP,
            line=16,
        ),
        Invalid(
            """
            import csv
            from shop.models import Book, Tag

            def tag_books(upload):
                for row in csv.DictReader(upload):
                    default = Tag.objects.get(name="new")
                    Book.objects.get(pk=row["id"]).tags.add(default)
            """,
            files=SHOP,
            count=2,
            message='query in loop: Tag.objects.get(name="new") runs once per iteration of the '
            "loop over csv.DictReader(upload) at line 5; it does not change between iterations: "
            "run it once before the loop",
        ),
        Invalid(
            """
            from shop.models import Author, Tag

            def add_tags():
                for author in Author.objects.all():
                    # The count grows as the loop creates tags: it is not the same every time.
                    Tag.objects.create(name=f"{author.name}-{Tag.objects.count()}")
            """,
            files=SHOP,
            message="query in loop: Tag.objects.count() runs once per iteration of the loop over "
            "Author.objects.all() at line 4; count them in one query (.annotate(Count(...)) on "
            "the outer queryset, or .values(...).annotate(Count(...)))",
        ),
        Invalid(
            """
            import csv
            from shop.models import Book

            def missing(upload):
                return [row["title"] for row in csv.DictReader(upload)
                        if not Book.objects.filter(title=row["title"]).exists()]
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
