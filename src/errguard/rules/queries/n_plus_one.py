from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.registry import FunctionRule
from errguard.rules._shared.example_models import SHOP
from errguard.rules.queries._bindings import QuerySet
from errguard.rules.queries._nplusone import RelationLoad
from errguard.rules.queries._nplusone_deliberate import deliberate_load
from errguard.rules.queries._nplusone_driver import AnalysedNode, analysis_for
from errguard.rules.queries._nplusone_fixsafety import deleted_querysets, read_on_every_row
from errguard.rules.queries._nplusone_reads import (
    bulk_written,
    prefetched_by_callers,
    read_after_manager_write,
)
from errguard.rules.queries._relations import PREFETCH_CACHED

_UNFIXABLE = frozenset({"union", "intersection", "difference", "raw", "extra", "select_for_update"})
# A module of the examples' project that prefetches a lookup somewhere.
_REPORTS = """\
from django.db.models import Prefetch
from shop.models import Author, Book

def report():
    books = Book.objects.select_related("editor")
    return Author.objects.prefetch_related(Prefetch("books", queryset=books))
"""


class NPlusOne(FunctionRule):
    """Related object or deferred field loaded once per iteration of a loop over a queryset.

    ## What it does
    Inside a loop (`for`, `async for`, comprehensions, generator expressions) over a queryset,
    flags each read of the loop variable that runs a query of its own: a forward foreign key or
    one-to-one (`book.author.name`), a reverse one-to-one, a reverse foreign key or many-to-many
    manager evaluated with `.all()`, `.count()`, `.exists()`, `.first()`, `.filter()`, ...,
    a field deferred by `.only()`/`.defer()`, and the second hop of a chain when only the first
    was loaded (`book.author.publisher`). It follows the read one level into model properties
    and methods (from the project's model index; `str(row)` and `f"{row}"` run `__str__`)
    and into same-module functions the loop variable is passed to. A foreign key's raw column
    (`book.author_id`) counts when `.only()`/`.defer()` left it out.

    It also follows the row up to three calls deep into the project's code: a method called on
    it (`email.as_bytes()`, which calls `self.as_message()`, which reads `self.sender`) or a
    function or method it is passed to, in this module or another (`compute_order(thread)`
    imported from `threads/analysis.py`), resolved through the imports and the model index,
    never by importing anything. What a callee reads of the row is judged like a read in the
    loop, and reported at the call with the chain that reached it (`email.as_bytes() ->
    as_message(), which reads self.sender`), as advice without a fix. Not followed: code
    outside the project, a callee that rebinds its parameter, and one that queries a manager
    or writes, itself, in what it calls or through a method of a related object errguard
    cannot read (`self.content_object.publish()`): the loop does per-row work there anyway. A
    branch the call rules out is skipped (`if full:` when it passes `full=False` or leaves the
    default, `if site is None:` when it passes a site).

    The querysets it knows: `Model.objects...` chains, through local variables, same-module
    helpers, `enumerate()`, `in_bulk(...).values()` and DRF's `paginate_queryset()`; the
    related managers of a row fetched on its own (`get()`, `first()`, `get_object_or_404()`, a
    parameter annotated with a model or named after one, `order` for `Order`, `request.user`,
    and `self` in a model's own methods); a class-based view's rows
    (`queryset`/`model`/`get_queryset()`, its own or a same-module mixin's, read back as
    `self.get_queryset()`,
    `self.object_list`, `context["object_list"]`, and `self.object` in detail views); an admin
    action's `queryset` and the rows of an admin's `list_display` methods (Django calls them
    once per row of the change list), with the `select_related()` Django adds for
    `list_select_related` and for foreign keys in `list_display`. What a `Prefetch(lookup,
    queryset=...)` queryset loads counts as loaded under the lookup; a custom queryset method
    that returns what a loading one gives (`return self.order_by("-pk").for_display()`) makes
    what is loaded unknown, like the loading one.

    The model index is read from your source: which attributes are relations, their
    `related_name`s and default reverse accessors (`review_set`), nullability, managers.
    A model whose source is not in the project (a third-party app, a partial checkout) is
    recognised by its use, `Order.objects...` on an imported class, and its relations by theirs:
    `order.items.all()` (only a related manager has these queries) and `order.customer.email`
    (a read through the attribute), unless the names say the attribute holds a value
    (`created_at`, `image`, `metadata`, `status`; `.isoformat()`, `.url`, `.get(...)`).
    Those findings carry no fix: an attribute that is not a relation would make the queryset
    raise.

    Not flagged: `book.author_id` (the raw column), ordinary fields, rows of `values()` and
    `values_list()`, relations already loaded by `select_related` (including `select_related()`
    with no arguments, which follows every non-null foreign key) or `prefetch_related` and served
    from the prefetch cache (`.all()`, iteration, `.count()`, `.exists()`), `Prefetch(...,
    to_attr=...)` lists, annotations, a relation the loop assigns itself (here or in a
    function it passes the row to), the row a related manager's rows came from (`for book in
    author.books.all(): book.author`, which Django caches) and, when that row was fetched on
    its own, what is read through it (`book.author.publisher`, loaded once for all books), a
    related manager's rows written in bulk (`book.review_set.filter(...).update(...)`,
    `.delete()`: a write per row, which no prefetch serves), a foreign key the queryset
    filters to None (`filter(parent__isnull=True)`), reads in a branch that leaves the loop
    (`return book.author`), that runs when a key changes (`if current != book.author_id: ...;
    current = book.author_id`, once per group of sorted rows) or that fills a dict once per
    key (`if key not in names: names[key] = ...`), reads after the body rebinds the
    loop variable to a row it fetches itself (`book = Book.objects.get(pk=book.pk)`), loops that
    run their body once, a related manager's query whose filter changes from row to row (its
    arguments read what the iteration computes, or the body refines the queryset under a test
    on the row, `if author.publisher_id is None: books = books.filter(...)`: one `Prefetch`
    queryset filters every row alike, so the query is the iteration's own work), a queryset
    handed unevaluated to a job (`task.delay(author.books.all())`, or a call that is handed the
    function to run on it, `run_job(reindex, author.books.all())`), a cost that a comment on the
    read, or right above the loop or a statement holding it, names and accepts (`# slow, but
    this runs rarely`; a TODO or FIXME comment does not accept it), and
    any object whose origin errguard cannot see (a list passed in, a queryset built with dynamic
    arguments). Loops over `row.<manager>.all()` of a row a caller handed in (a parameter,
    `self` in a model method) are reported only when no module of the project prefetches that
    lookup (`prefetch_related("lines__product")`, `Prefetch("lines", queryset=...)`,
    `prefetch_related_objects(...)`): `.all()` reads a caller's prefetch, and which callers
    made one cannot be told from the function. Model methods are followed as a call without
    arguments runs them: a branch their parameters' defaults rule out (`if full:` for
    `full=False`) is not.

    ## Why is this bad?
    Each iteration runs one more query: a page of 50 orders that shows each customer's name runs
    51 queries. It is invisible with the ten rows of a development database and takes the site
    down with real data.

    ## Example
    ```python
    for book in Book.objects.filter(published=True):
        print(book.title, book.author.name)
    ```

    ## Use instead
    ```python
    for book in Book.objects.filter(published=True).select_related("author"):
        print(book.title, book.author.name)
    ```

    ## Fix safety
    The fix adds `.select_related("<lookup>")` (forward foreign keys and one-to-ones) or
    `.prefetch_related("<lookup>")` (reverse foreign keys, many-to-many, and anything reached
    through a prefetch), extending an existing call of the same method when the chain has one.
    It is safe: loading related objects early changes the number of queries, not the results.
    It is offered only when the queryset is built in the same function, on a straight path to
    the loop, and when adding the call cannot fail or change meaning: not after `values()`,
    `union()` or `raw()`; not for a field `.only()` excludes or `.defer()` defers (Django
    refuses that combination); not `prefetch_related` on `.iterator()`; not when
    `select_related()` without arguments is already there (adding a lookup would narrow it).
    Filtered prefetches, deferred fields and `.pk` reads are reported without a fix, and so are
    loops over the related manager of a row a caller handed in (`self` in a model method, a
    parameter, a row reached from one): a caller's `prefetch_related()` would be bypassed by a
    call added there, so the advice names the prefetch for the callers' queryset instead.
    `.last()` is never served from a prefetch (it reverses the queryset), so it gets no
    `prefetch_related` fix, and neither does a read in a branch of the loop (`if`, `try`'s
    handlers, `a if c else b`) nor a queryset the function later `.delete()`s: the prefetch's
    query would run even when no row takes the branch, and `delete()` fetches the rows again
    with it.
    When the loop body assigns to, saves or deletes the related object, the fix is unsafe:
    loaded before the loop, two rows sharing one related object hold two snapshots, and the
    later save writes back what the earlier one changed.
    """

    uses_models = True
    code = "EG101"
    message = (
        "N+1: {access} ({relation}) {effect} once per iteration of the loop over {loop} "
        "at line {line}"
    )
    help = "{advice}"
    fix = Applicability.SAFE
    fix_title = 'Add .{method}("{lookup}") to the queryset'

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        self.check_function(node, ctx)

    def check_function(self, node: AnalysedNode, ctx: FileContext) -> None:
        analysis = analysis_for(ctx, node)
        if analysis is None:
            return
        written, deleted = bulk_written(node), deleted_querysets(node)
        for found in analysis.loads:
            if id(found.node) in written or _after_write(found):
                continue  # a write per row, or a read the prefetch cache cannot serve
            if deliberate_load(found, node, ctx.source.lines):
                continue
            top, lookup = _top_queryset(found.instance.source, found.load.lookup)
            if _prefetchable(found) and prefetched_by_callers(
                top, lookup, ctx.project.prefetched_lookups
            ):
                continue
            method = _method(found, top)
            self.report(
                ctx,
                found.node,
                access=_access_text(found),
                relation=_relation_text(found),
                effect="runs a query" if found.load.method else "is loaded",
                loop="the admin change list's rows (list_display)"
                if found.loop.change_list
                else ctx.segment(found.loop.iterable),
                line=getattr(found.loop.node, "lineno", 0),
                advice=_advice(found, method, lookup),
                # A read in another function: advice only, the fix's safety is not proven there.
                fix=not found.through and _fixable(found, top, method, lookup, deleted),
                fix_data={
                    "span": ctx.span(_anchor(top)),
                    "method": method,
                    "lookup": lookup,
                    # Where a runtime report may place the iteration (fix --from-report).
                    "loop_line": getattr(found.loop.node, "lineno", 0),
                },
            )

    VALID = (
        Valid(
            """
            from shop.models import Author

            def pricier_than(limit):
                for author in Author.objects.all():
                    floor = len(author.name) * limit  # each author's own threshold
                    print(author.books.filter(price__gt=floor).count())

            def catalogue():
                for author in Author.objects.all():
                    books = author.books.filter(price__gt=0)
                    if author.publisher_id is None:  # self-published: cheap books only
                        books = books.filter(price__lt=10)
                    print([book.title for book in books])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.jobs import reindex, run_job
            from shop.models import Author

            def reindex_all():
                # Each job evaluates its queryset itself, in a worker.
                for author in Author.objects.all():
                    run_job(reindex, author.books.all())
                    reindex.delay(author.edited.all())
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def audit():
                # One query per book for its author: slow, but the audit runs rarely.
                for book in Book.objects.all():
                    print(book.author.name)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author

            def independents():
                # Every row's publisher is None: Django answers author.publisher without a query.
                authors = Author.objects.filter(publisher__isnull=True)
                return [(a.name, a.publisher) for a in authors]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.contrib import admin
            from shop.models import Author, Book

            def bylines(author: Author):
                # Rows of a related manager know the row they came from: book.author is cached.
                return [f"{book.title} by {book.author.name}" for book in author.books.all()]

            @admin.register(Book)
            class BookAdmin(admin.ModelAdmin):
                list_display = ("title", "author")  # Django adds select_related() for it

                @admin.action(description="Export")
                def export(self, request, queryset):
                    return [(book.title, book.author.name) for book in queryset]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from orders.models import Order

            def export():
                # Order is defined outside the project: only reads that must be relations count.
                rows = []
                for order in Order.objects.select_related("customer").prefetch_related("items"):
                    rows.append((
                        order.customer.email,
                        [item.sku for item in order.items.all()],
                        order.created_at.isoformat(),
                        order.invoice_pdf.url,
                        order.metadata.get("channel"),
                        order.status.label,
                        order.customer_id,
                    ))
                return rows
            """
        ),
        Valid(
            """
            from shop.models import Book

            def titles_by_author():
                return [(book.title, book.author_id) for book in Book.objects.all()]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def names():
                for row in Book.objects.values("title", "author__name"):
                    print(row["title"], row["author__name"])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def names():
                books = Book.objects.select_related("author__publisher")
                return [book.author.publisher.name for book in books]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def names():
                # select_related() with no arguments follows every non-null foreign key.
                return [book.author.name for book in Book.objects.select_related()]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db.models import Count, Prefetch
            from shop.models import Author, Book

            def report():
                authors = Author.objects.prefetch_related(
                    "books__tags", Prefetch("edited", queryset=Book.objects.all(), to_attr="edits")
                ).annotate(n=Count("books"))
                for author in authors:
                    print(author.n, author.books.count(), len(author.edits))
                    for book in author.books.all():
                        print([tag.name for tag in book.tags.all()])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def first_expensive(limit):
                for book in Book.objects.all():
                    if book.price > limit:
                        return book.author.name
                return None
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Book

            def with_cached_authors():
                authors = Author.objects.in_bulk()
                for book in Book.objects.all():
                    book.author = authors[book.author_id]
                    print(book.author.name)
            """,
            files=SHOP,
        ),
        Valid(
            """
            def render(books):
                # Where books came from, and what it loaded, is not visible here.
                return [book.author.name for book in books]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def newest_author():
                for book in Book.objects.order_by("-id"):
                    return book.author
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def titles(fields):
                return [book.author.name for book in Book.objects.select_related(*fields)]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db import transaction
            from shop.models import Book

            def reprice():
                for book in Book.objects.only("pk"):
                    with transaction.atomic():
                        # From here on, book is a full row fetched again, not the loop's row.
                        book = Book.objects.select_for_update().get(pk=book.pk)
                        book.price += 1
                        book.save(update_fields=["price"])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def headings():
                current = None
                for book in Book.objects.order_by("author_id"):
                    if current != book.author_id:
                        # Once per author: the rows come sorted by it.
                        print(book.author.name)
                        current = book.author_id
                    print(book.title)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author

            def line_items(author: Author):
                # The project prefetches books__editor (shop/reports.py), the callers may
                # have: author.books.all() then reads their cache.
                return [(book.title, book.editor.name) for book in author.books.all()]
            """,
            files={**SHOP, "shop/reports.py": _REPORTS},
        ),
        Valid(
            """
            from shop.models import Author

            def retag(author: Author):
                for book in author.books.all():
                    # Writes in bulk: one UPDATE/DELETE per book, not a read a prefetch serves.
                    book.review_set.filter(stars=0).update(stars=1)
                    book.review_set.filter(stars__lt=0).delete()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def attach(book, author):
                # Sets the relation: nothing is loaded.
                book.author = author

            def reassign(author):
                for book in Book.objects.all():
                    attach(book, author)
                    book.save()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.shortcuts import get_object_or_404
            from shop.models import Author

            def bylines(request, pk):
                author = get_object_or_404(Author, pk=pk)
                # Every book's author is that one row: its publisher is loaded once.
                return [(b.title, b.author.publisher.name) for b in author.books.all()]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def untag(tag):
                for book in Book.objects.filter(tags=tag):
                    book.tags.remove(tag)
                    # remove() empties a prefetch of the tags: this count queries to see it.
                    if book.tags.count() == 0:
                        print(book.title, "has no tags left")
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def author_names():
                names = {}
                for book in Book.objects.order_by("title"):
                    if book.author_id not in names:
                        # Once per author: the dict remembers the name.
                        names[book.author_id] = book.author.name
                return names
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db.models import Prefetch
            from shop.models import Author, Book

            def editors():
                # The Prefetch's own queryset loads each book's editor.
                books = Book.objects.select_related("editor")
                authors = Author.objects.prefetch_related(Prefetch("books", queryset=books))
                return [b.editor.name for a in authors for b in a.books.all()]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.views.generic import ListView
            from shop.models import Book

            class BookRows:
                def get_queryset(self):
                    return Book.objects.select_related("author")

            class BookList(BookRows, ListView):
                model = Book

                def export(self):
                    # The mixin's get_queryset() is the view's.
                    return [(b.title, b.author.name) for b in self.get_queryset()]
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shelf.models import Loan

            def borrowers():
                # recent() returns for_display(), which prefetches: what it loads is not known.
                return [loan.borrower.name for loan in Loan.objects.recent()]
            """,
            files={
                "shelf/__init__.py": "",
                "shelf/models.py": (
                    "from django.db import models\n\n\n"
                    "class Person(models.Model):\n"
                    "    name = models.CharField(max_length=50)\n\n\n"
                    "class LoanQuerySet(models.QuerySet):\n"
                    "    def for_display(self):\n"
                    '        return self.select_related("borrower")\n\n'
                    "    def recent(self):\n"
                    '        return self.order_by("-pk").for_display()\n\n\n'
                    "class Loan(models.Model):\n"
                    "    borrower = models.ForeignKey(Person, on_delete=models.CASCADE)\n"
                    "    objects = LoanQuerySet.as_manager()\n"
                ),
            },
        ),
        Valid(
            """
            from django.db import models

            class Shelf(models.Model):
                name = models.CharField(max_length=50)

            class Box(models.Model):
                shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)

                def label(self, full=False):
                    # Called without arguments, full is False: the shelf is never read.
                    if full:
                        return f"{self.shelf.name}/{self.pk}"
                    return str(self.pk)

            def labels():
                return [box.label() for box in Box.objects.all()]
            """
        ),
        Valid(
            """
            from reporting import describe
            from shop.exports import byline, tag_list
            from shop.models import Book

            def catalogue():
                # byline() reads book.author_id, tag_list() the prefetched tags;
                # describe() is a library's (no source to follow).
                for book in Book.objects.prefetch_related("tags"):
                    print(byline(book), tag_list(book), describe(book))
            """,
            files={
                **SHOP,
                "shop/exports.py": (
                    "def credit(book, full=False):\n"
                    "    if full:\n"
                    "        return book.author.name\n"
                    "    return book.author_id\n\n\n"
                    "def byline(book):\n"
                    '    return f"{book.title} by {credit(book)}"\n\n\n'
                    "def tag_list(book):\n"
                    "    return [tag.name for tag in book.tags.all()]\n"
                ),
            },
        ),
        Valid(
            """
            from shop.models import Book

            def archive(book):
                print(book.author.name)
                book.save(update_fields=["price"])  # a write per row: the read is not the cost

            def reprice():
                for book in Book.objects.all():
                    archive(book)
            """,
            files=SHOP,
        ),
    )
    INVALID = (
        Invalid(
            """
            from shop.models import Book

            def audit():
                # TODO: slow (a query per book), fine for now
                for book in Book.objects.all():
                    print(book.author.name)
            """,
            files=SHOP,
            line=6,  # a debt marker does not accept the cost
            fixed="""
            from shop.models import Book

            def audit():
                # TODO: slow (a query per book), fine for now
                for book in Book.objects.select_related("author"):
                    print(book.author.name)
            """,
        ),
        Invalid(
            """
            from shop.models import Author

            def catalogue(cheap_only):
                for author in Author.objects.all():
                    books = author.books.filter(price__gt=0)
                    if cheap_only:  # the same for every row: a Prefetch can filter it
                        books = books.filter(price__lt=10)
                    print([book.title for book in books])
            """,
            files=SHOP,
            line=5,
        ),
        Invalid(
            """
            from shop.models import Book

            def prices():
                for book in Book.objects.only("pk"):
                    if book.pk % 2:
                        book = Book.objects.get(pk=book.pk)
                    print(book.price)  # the deferred row of the loop when the test fails
            """,
            files=SHOP,
            line=7,
        ),
        Invalid(
            """
            from django.db import models

            class Recipe(models.Model):
                name = models.CharField(max_length=50)

            class Batch(models.Model):
                recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE)

                def __str__(self):
                    return f"{self.recipe.name} #{self.pk}"

            def labels():
                batches = Batch.objects.order_by("pk")
                return [{"label": str(batch)} for batch in batches]
            """,
            line=14,
            message="N+1: str(batch), which reads self.recipe (Batch.recipe → Recipe) is loaded "
            "once per iteration of the loop over batches at line 14; add "
            '.select_related("recipe")',
            fixed="""
            from django.db import models

            class Recipe(models.Model):
                name = models.CharField(max_length=50)

            class Batch(models.Model):
                recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE)

                def __str__(self):
                    return f"{self.recipe.name} #{self.pk}"

            def labels():
                batches = Batch.objects.order_by("pk").select_related("recipe")
                return [{"label": str(batch)} for batch in batches]
            """,
        ),
        Invalid(
            """
            from django.contrib import admin
            from shop.models import Author, Book

            @admin.register(Book)
            class BookAdmin(admin.ModelAdmin):
                list_display = ("title", "author_name")

                @admin.display(description="Author")
                def author_name(self, book):
                    # Django calls this once per row of the change list.
                    return book.author.name

            @admin.register(Author)
            class AuthorAdmin(admin.ModelAdmin):
                list_display = ("name", "publisher_name")
                list_select_related = ("publisher",)

                def publisher_name(self, author):
                    return author.publisher.name if author.publisher else ""
            """,
            files=SHOP,
            line=11,
            message="N+1: book.author (Book.author → Author) is loaded once per iteration of "
            "the loop over the admin change list's rows (list_display) at line 6; add "
            '"author" to list_select_related',
        ),
        Invalid(
            """
            from django.db import models

            class Team(models.Model):
                name = models.CharField(max_length=50)

            class Player(models.Model):
                name = models.CharField(max_length=50)
                team = models.ForeignKey(Team, on_delete=models.CASCADE)

                def __str__(self):
                    return f"{self.name} ({self.team.name})"

            def roster():
                # f"{player}" runs __str__, which reads the team.
                players = Player.objects.order_by("name")
                return [f"{n}. {player}" for n, player in enumerate(players, 1)]

            def team_ids(ids):
                # only() defers team_id too: reading it loads the column row by row.
                return {p.pk: p.team_id for p in Player.objects.only("name").in_bulk(ids).values()}
            """,
            count=2,
            line=16,
            message="N+1: str(player), which reads self.team (Player.team → Team) is loaded once "
            "per iteration of the loop over enumerate(players, 1) at line 16; add "
            '.select_related("team")',
            fixed="""
            from django.db import models

            class Team(models.Model):
                name = models.CharField(max_length=50)

            class Player(models.Model):
                name = models.CharField(max_length=50)
                team = models.ForeignKey(Team, on_delete=models.CASCADE)

                def __str__(self):
                    return f"{self.name} ({self.team.name})"

            def roster():
                # f"{player}" runs __str__, which reads the team.
                players = Player.objects.order_by("name").select_related("team")
                return [f"{n}. {player}" for n, player in enumerate(players, 1)]

            def team_ids(ids):
                # only() defers team_id too: reading it loads the column row by row.
                return {p.pk: p.team_id for p in Player.objects.only("name").in_bulk(ids).values()}
            """,
        ),
        Invalid(
            """
            from django.db import models

            class Product(models.Model):
                price = models.IntegerField()

            class Order(models.Model):
                def total(self):
                    # In a model method self is one row: self.lines.all() is a fresh query.
                    # No fix: a caller's prefetch_related("lines") would be bypassed.
                    return sum(line.product.price * line.quantity for line in self.lines.all())

            class OrderLine(models.Model):
                order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
                product = models.ForeignKey(Product, on_delete=models.CASCADE)
                quantity = models.IntegerField()
            """,
            line=10,
            message="N+1: line.product (OrderLine.product → Product) is loaded once per iteration "
            'of the loop over self.lines.all() at line 10; prefetch "lines__product" in the '
            "callers' queryset that fetches self, or call prefetch_related_objects([self], "
            '"lines__product") first; a select_related() added here would bypass the callers\' '
            "prefetch",
        ),
        Invalid(
            """
            from django.shortcuts import get_object_or_404
            from shop.models import Author

            def author_page(request, pk):
                author = get_object_or_404(Author, pk=pk)
                books = author.books.all()
                return [(book.title, book.editor.name) for book in books]
            """,
            files=SHOP,
            line=7,
            column=26,
            fixed="""
            from django.shortcuts import get_object_or_404
            from shop.models import Author

            def author_page(request, pk):
                author = get_object_or_404(Author, pk=pk)
                books = author.books.select_related("editor")
                return [(book.title, book.editor.name) for book in books]
            """,
        ),
        Invalid(
            """
            def publisher_report(publisher):
                # A parameter named after a model holds one of its rows.
                authors = publisher.author_set.all()
                return {author.name: author.books.count() for author in authors}
            """,
            files=SHOP,
            line=4,
            message="N+1: author.books.count() (Author.books → Book) runs a query once per "
            'iteration of the loop over authors at line 4; prefetch "author_set__books" in the '
            "callers' queryset that fetches publisher, or call prefetch_related_objects("
            '[publisher], "author_set__books") first; a prefetch_related() added here would '
            "bypass the callers' prefetch",
        ),
        Invalid(
            """
            from shop.models import Book

            def star_authors():
                for book in Book.objects.filter(price__gt=10):
                    author = book.author
                    author.name += "*"  # a star per book
                    author.save()
            """,
            files=SHOP,
            line=5,
            # Loaded up front, an author with two books would be two snapshots: one star lost.
            unsafe_fixed="""
            from shop.models import Book

            def star_authors():
                for book in Book.objects.filter(price__gt=10).select_related("author"):
                    author = book.author
                    author.name += "*"  # a star per book
                    author.save()
            """,
        ),
        Invalid(
            """
            from django.views.generic import ListView
            from shop.models import Book

            class BookList(ListView):
                model = Book

                def get_context_data(self, **kwargs):
                    context = super().get_context_data(**kwargs)
                    context["rows"] = [(b.title, b.author.name) for b in context["object_list"]]
                    return context
            """,
            files=SHOP,
            line=9,
            message="N+1: b.author (Book.author → Author) is loaded once per iteration of the "
            'loop over context["object_list"] at line 9; add .select_related("author")',
        ),
        Invalid(
            """
            from django.contrib import admin
            from shop.models import Book

            @admin.register(Book)
            class BookAdmin(admin.ModelAdmin):
                list_display = ("title", "price")

                @admin.action(description="Export authors")
                def export(self, request, queryset):
                    return [(book.title, book.author.name) for book in queryset]
            """,
            files=SHOP,
            line=10,
        ),
        Invalid(
            """
            from shop.models import Book

            def five_star_counts():
                return {b.pk: b.review_set.filter(stars=5).count() for b in Book.objects.all()}
            """,
            files=SHOP,
            line=4,
            message="N+1: b.review_set.filter() (Book.review_set → Review) runs a query once per "
            "iteration of the loop over Book.objects.all() at line 4; a prefetch does not serve "
            '.filter(): prefetch the rows it needs with Prefetch("review_set", queryset=..., '
            "to_attr=...), or annotate the value",
        ),
        Invalid(
            """
            from orders.models import Order

            def invoice_lines():
                # Order's source is not in the project: relations are known by their use.
                lines = []
                for order in Order.objects.filter(paid=True):
                    lines.append((order.number, order.customer.email, order.items.count()))
                return lines
            """,
            count=2,
            line=7,
            column=37,
            message="N+1: order.customer (Order.customer, a relation by its use: Order is "
            "defined outside the project) is loaded once per iteration of the loop over "
            'Order.objects.filter(paid=True) at line 6; add .select_related("customer")',
        ),
        Invalid(
            """
            from shop.models import Book

            def list_books():
                for book in Book.objects.all():
                    print(book.title, book.author.name)
            """,
            files=SHOP,
            line=5,
            column=27,
            message="N+1: book.author (Book.author → Author) is loaded once per iteration of the "
            'loop over Book.objects.all() at line 4; add .select_related("author")',
            fixed="""
            from shop.models import Book

            def list_books():
                for book in Book.objects.select_related("author"):
                    print(book.title, book.author.name)
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def expensive():
                books = Book.objects.filter(price__gt=10)[:50]
                return {book.title: book.author.publisher.name for book in books}
            """,
            files=SHOP,
            fixed="""
            from shop.models import Book

            def expensive():
                books = Book.objects.filter(price__gt=10).select_related("author__publisher")[:50]
                return {book.title: book.author.publisher.name for book in books}
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def publishers():
                books = Book.objects.select_related("author").order_by("title")
                for book in books:
                    author = book.author
                    print(author.name, author.publisher.name)
            """,
            files=SHOP,
            line=7,
            fixed="""
            from shop.models import Book

            def publishers():
                books = Book.objects.select_related("author", "author__publisher").order_by("title")
                for book in books:
                    author = book.author
                    print(author.name, author.publisher.name)
            """,
        ),
        Invalid(
            """
            from shop.models import Author

            def counts():
                authors = Author.objects.all()
                return {author.name: author.books.count() for author in authors}
            """,
            files=SHOP,
            message="N+1: author.books.count() (Author.books → Book) runs a query once per "
            "iteration of the loop over authors at line 5; add "
            '.prefetch_related("books")',
            fixed="""
            from shop.models import Author

            def counts():
                authors = Author.objects.prefetch_related("books")
                return {author.name: author.books.count() for author in authors}
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            async def reviews():
                async for book in Book.objects.filter(price=0):
                    for review in book.review_set.all():
                        print(review.stars)
            """,
            files=SHOP,
            fixed="""
            from shop.models import Book

            async def reviews():
                async for book in Book.objects.filter(price=0).prefetch_related("review_set"):
                    for review in book.review_set.all():
                        print(review.stars)
            """,
        ),
        Invalid(
            """
            from shop.models import Author

            def catalogue():
                for author in Author.objects.all():
                    for book in author.books.all():
                        print(book.editor.name)
            """,
            files=SHOP,
            count=2,
            fixed="""
            from shop.models import Author

            def catalogue():
                for author in Author.objects.prefetch_related("books", "books__editor"):
                    for book in author.books.all():
                        print(book.editor.name)
            """,
        ),
        Invalid(
            """
            from shop import models

            def labels():
                books = models.Book.objects.all()
                return [(b.author_name, b.tag_names()) for b in books]
            """,
            files=SHOP,
            count=2,
            fixed="""
            from shop import models

            def labels():
                books = models.Book.objects.select_related("author").prefetch_related("tags")
                return [(b.author_name, b.tag_names()) for b in books]
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def describe(book):
                return f"{book.title} by {book.author.name}"

            def catalogue():
                return "\\n".join(describe(book) for book in Book.objects.all())
            """,
            files=SHOP,
            line=7,
            fixed="""
            from shop.models import Book

            def describe(book):
                return f"{book.title} by {book.author.name}"

            def catalogue():
                return "\\n".join(describe(book) for book in Book.objects.select_related("author"))
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def prices():
                return [book.price for book in Book.objects.only("title")]
            """,
            files=SHOP,
            message="N+1: book.price (deferred field Book.price) is loaded once per iteration "
            'of the loop over Book.objects.only("title") at line 4; it is deferred by '
            ".only()/.defer(): load it with the queryset",
        ),
        Invalid(
            """
            from shop.models import Author

            def cheap_books():
                for author in Author.objects.prefetch_related("books"):
                    print(list(author.books.filter(price__lt=5)))
            """,
            files=SHOP,
        ),
        Invalid(
            """
            from shop.models import Book

            def editors():
                return [book.editor.pk for book in Book.objects.select_related()]
            """,
            files=SHOP,
            message="N+1: book.editor (Book.editor → Author) is loaded once per iteration of the "
            "loop over Book.objects.select_related() at line 4; use book.editor_id instead",
        ),
        Invalid(
            """
            from shop.models import Author

            def line_items(author: Author):
                # .filter() runs a query of its own: the callers' prefetch is not read.
                return [(b.title, b.editor.name) for b in author.books.filter(price__gt=0)]
            """,
            files={**SHOP, "shop/reports.py": _REPORTS},
            line=5,
        ),
        Invalid(
            """
            from shop.models import Author

            def latest_titles():
                # last() reverses the queryset: a prefetch would not serve it.
                authors = Author.objects.all()
                return {a.name: a.books.last().title for a in authors}
            """,
            files=SHOP,
            message="N+1: a.books.last() (Author.books → Book) runs a query once per "
            "iteration of the loop over authors at line 6; a prefetch does not serve .last(): "
            'prefetch the rows it needs with Prefetch("books", queryset=..., to_attr=...), or '
            "annotate the value",
        ),
        Invalid(
            """
            from shop.models import Book

            def clean_up(keep):
                for book in Book.objects.filter(price=0):
                    if book.title not in keep:
                        # No fix: a prefetch would run even when no book is deleted.
                        print(f"deleting {book.title}: {book.tags.count()} tags")
                        book.delete()
            """,
            files=SHOP,
        ),
        Invalid(
            """
            from shop.models import Book

            def retire():
                stale = Book.objects.filter(price=0)
                names = [tag.name for book in stale for tag in book.tags.all()]
                # No fix: delete() fetches the rows again, with any prefetch added to them.
                stale.delete()
                return names
            """,
            files=SHOP,
        ),
        Invalid(
            """
            from shop.exports import byline
            from shop.models import Book

            def catalogue():
                for book in Book.objects.order_by("title"):
                    print(byline(book))
            """,
            files={
                **SHOP,
                "shop/exports.py": (
                    "def credit(book, full=True):\n"
                    "    if full:\n"
                    "        return book.author.name\n"
                    "    return book.author_id\n\n\n"
                    "def byline(book):\n"
                    '    return f"{book.title} by {credit(book)}"\n'
                ),
            },
            line=6,
            message="N+1: byline(book) -> credit(), which reads book.author (Book.author → "
            "Author) is loaded once per iteration of the loop over "
            'Book.objects.order_by("title") at line 5; add .select_related("author")',
        ),
        Invalid(
            """
            from django.db import models

            class Sender(models.Model):
                address = models.CharField(max_length=100)

            class Message(models.Model):
                sender = models.ForeignKey(Sender, on_delete=models.CASCADE)

                def as_text(self, escape=True):
                    return f"From {self.sender.address}"

                def as_bytes(self):
                    return self.as_text().encode()

            def export():
                return b"".join(message.as_bytes() for message in Message.objects.order_by("pk"))
            """,
            line=16,
            message="N+1: message.as_bytes() -> as_text(), which reads self.sender (Message.sender "
            "→ Sender) is loaded once per iteration of the loop over "
            'Message.objects.order_by("pk") at line 16; add .select_related("sender")',
        ),
    )


def _top_queryset(source: QuerySet, lookup: str) -> tuple[QuerySet, str]:
    """The outermost queryset the read is loaded through, and the lookup relative to it."""
    while source.outer is not None:
        lookup = f"{source.prefix}{lookup}"
        source = source.outer
    return source, lookup


def _method(found: RelationLoad, top: QuerySet) -> str:
    nested = top is not found.instance.source
    return (
        "select_related"
        if found.load.kind in ("select", "pk") and not nested
        else ("prefetch_related")
    )


def _access_text(found: RelationLoad) -> str:
    if found.through:
        # A read in code the loop calls: the call, and what the last callee reads of the row.
        text = f"{found.through}, which reads {found.parameter}.{found.load.detail}"
        return f"{text}, which reads {found.load.member}" if found.load.member else text
    text = found.text
    if found.load.member:
        text = f"{text}, which reads {found.load.member}"
    if found.via:
        text = f"{text} in {found.via}"
    return text


def _relation_text(found: RelationLoad) -> str:
    load = found.load
    if load.relation is None:
        return f"deferred field {load.owner.name}.{load.detail.rsplit('.', 1)[-1]}"
    if load.owner.inferred:
        return (
            f"{load.owner.name}.{load.relation.name}, a relation by its use: "
            f"{load.owner.name} is defined outside the project"
        )
    if load.relation.kind == "gfk":
        return f"generic foreign key {load.owner.name}.{load.relation.name}"
    target = (load.relation.target or "?").rsplit(".", 1)[-1]
    return f"{load.owner.name}.{load.relation.name} → {target}"


def _advice(found: RelationLoad, method: str, lookup: str) -> str:
    kind = found.load.kind
    if found.loop.change_list and kind == "select":
        return f'add "{lookup}" to list_select_related'
    if found.loop.change_list and kind == "prefetch":
        return f'prefetch "{lookup}" in get_queryset(), or annotate the value there'
    if kind == "deferred":
        return "it is deferred by .only()/.defer(): load it with the queryset"
    if kind == "pk":
        name = found.load.relation.name if found.load.relation else ""
        return f"use {found.parameter or found.variable}.{name}_id instead"
    if kind == "prefetch" and _uncached_call(found):
        return (
            f"a prefetch does not serve .{found.load.method}(): prefetch the rows it needs with "
            f'Prefetch("{lookup}", queryset=..., to_attr=...), or annotate the value'
        )
    if kind == "bypass":
        return (
            f'.{found.load.method}() bypasses the prefetch of "{lookup}": use the prefetched '
            f'objects, or Prefetch("{lookup}", queryset=..., to_attr=...)'
        )
    return _where_to_add(found, method, lookup)


def _where_to_add(found: RelationLoad, method: str, lookup: str) -> str:
    """Add the load to the queryset; for a row a caller handed in, where the callers fetch it."""
    top, _ = _top_queryset(found.instance.source, "")
    manager = top.handed_in
    if manager is None:
        return f'add .{method}("{lookup}")'
    row, path = ast.unparse(manager.value), f"{manager.attr}__{lookup}"
    return (
        f'prefetch "{path}" in the callers\' queryset that fetches {row}, or call '
        f'prefetch_related_objects([{row}], "{path}") first; a {method}() added here would '
        "bypass the callers' prefetch"
    )


def _uncached_call(found: RelationLoad) -> bool:
    """A manager call that queries even when the relation is prefetched: ``.filter()``,
    ``.last()`` (it reverses the queryset), and ``.first()`` on a model without a default
    ordering (it orders by pk anew)."""
    method = found.load.method
    if not method or method in PREFETCH_CACHED:
        return False
    if method == "first":
        return not found.target_ordered
    return True


def _after_write(found: RelationLoad) -> bool:
    """A related manager read (``row.tags.count()``) after the body wrote through it."""
    load = found.load
    if load.kind not in ("prefetch", "bypass") or not load.method or "__" in load.lookup:
        return False
    return read_after_manager_write(found.loop.node, found.node, found.variable, load.lookup)


def _prefetchable(found: RelationLoad) -> bool:
    """A read a prefetch serves: a relation, or a related manager evaluated from its cache."""
    return found.load.kind in ("select", "prefetch", "pk") and not _uncached_call(found)


def _anchor(top: QuerySet) -> ast.AST:
    return top.anchor.node if top.anchor is not None else top.origin


# Calls that write a model instance back, or reload it: with the relation loaded before the
# loop, each row would hold a snapshot taken before the loop's earlier writes.
_INSTANCE_WRITES = frozenset({"save", "delete", "refresh_from_db"})


def _loop_writes_to_related(found: RelationLoad) -> bool:
    """The loop body assigns to, saves or deletes an object the fix would load up front."""
    loop = found.loop.node
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False
    parts = found.load.lookup.split("__")
    objects = {".".join([found.variable, *parts[: i + 1]]) for i in range(len(parts))}
    for node in (n for statement in loop.body for n in ast.walk(statement)):
        if isinstance(node, ast.Assign) and ast.unparse(node.value) in objects:
            objects.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in (n for statement in loop.body for n in ast.walk(statement)):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AugAssign, ast.AnnAssign))
            else []
        )
        if any(isinstance(t, ast.Attribute) and ast.unparse(t.value) in objects for t in targets):
            return True
        func = node.func if isinstance(node, ast.Call) else None
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _INSTANCE_WRITES
            and ast.unparse(func.value) in objects
        ):
            return True
    return False


def _fixable(
    found: RelationLoad, top: QuerySet, method: str, lookup: str, deleted: frozenset[str]
) -> bool | Applicability:
    if not _fixable_at_all(found, top, method, lookup):
        return False
    if method == "prefetch_related" and not _prefetch_pays(found, deleted):
        return False
    return Applicability.UNSAFE if _loop_writes_to_related(found) else True


def _prefetch_pays(found: RelationLoad, deleted: frozenset[str]) -> bool:
    """The prefetch's query replaces queries the loop ran (see ``_nplusone_fixsafety``)."""
    rows = found.loop.iterable
    if isinstance(rows, ast.Name) and rows.id in deleted:
        return False
    return read_on_every_row(found.loop.node, found.node)


def _fixable_at_all(found: RelationLoad, top: QuerySet, method: str, lookup: str) -> bool:
    anchor = top.anchor
    if found.load.owner.inferred:
        return False  # a lookup that is not a relation makes the queryset raise FieldError
    if _uncached_call(found):
        return False
    if found.load.kind not in ("select", "prefetch") or anchor is None or top.rows != "instances":
        return False
    if anchor.methods & _UNFIXABLE:
        return False
    if method == "prefetch_related":
        return "iterator" not in anchor.methods
    first = lookup.split("__", 1)[0]
    excluded = (anchor.only is not None and first not in anchor.only) or first in anchor.deferred
    return not anchor.select_all and not excluded
