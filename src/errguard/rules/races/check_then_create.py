from __future__ import annotations

import ast
from collections.abc import Mapping

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.project.modules import runs_once_or_in_tests
from errguard.registry import Function, FunctionRule
from errguard.rules._shared.example_models import SHOP
from errguard.rules.races._caller_locks import serialised_by_callers
from errguard.rules.races._check_then_create import Race, races
from errguard.rules.races._pure_values import is_pure
from errguard.rules.races._races import keyword_map, names_used
from errguard.rules.races._same_row import not_the_same_row
from errguard.rules.races._single_process import migrate_only, single_process_module
from errguard.rules.races._unique_lookup import unique_lookup

# The code replaced has no "created" flag, so the fix binds it to `_` (no unused variable),
# unless the function uses `_` (gettext, most often), which that binding would shadow.
_CREATED_NAMES = ("_", "_created")


class CheckThenCreate(FunctionRule):
    """An existence check followed by a create of the same row (check-then-create race).

    ## What it does
    Flags, in one function, a check that a row exists followed by a create of the same model
    with the looked-up values: `if not M.objects.filter(...).exists(): M.objects.create(...)`,
    `if M.objects.filter(...).count() == 0:`, `x = M.objects.filter(...).first()` then
    `if x is None: x = M.objects.create(...)`, `if M.objects.filter(...).exists(): return`
    (or `raise`, also as one condition of an `and`) with the create after it, and
    `try: M.objects.get(...)` with `except M.DoesNotExist: M.objects.create(...)`; the check
    may go through a queryset variable (`existing = M.objects.filter(...)`, then
    `existing.exists()`) or a related manager (`post.likes`).

    Not flagged: `get_or_create()` and `update_or_create()`; a create guarded by `except
    IntegrityError` (the race is handled); a check used only for display (no create in the
    "missing" branch); a create with no prior check; a check made with `select_for_update()`
    inside `transaction.atomic()`, or after a `select_for_update()` earlier in the same atomic
    block (a lock on the parent row serialises the checks under it), also when it is the callers
    that hold the lock: a function that every caller in the project (outside tests and
    migrations) calls in an atomic block after a `select_for_update()`, or that is called only
    from functions run that way (three levels up; a function no caller is found for is
    reported); a create with none of the looked-up values. Code that runs in one process at a
    time: management commands, scripts (`if __name__ == "__main__":`),
    `post_migrate`/`pre_migrate` handlers and the module functions only they call. A check about
    another row than the create's: a range lookup (`expires__gt=now`), a create writing a
    constant the lookup excludes (`state__in=(A, B)` then `state=C`), `first()` taking any row
    of a set the model does not make unique before creating a specific one (`create(event=e,
    name="Talk")`), a lookup on a row made earlier in the same call.

    ## Why is this bad?
    Two requests arriving together both find no row, and both create one: with a unique
    constraint the second fails with `IntegrityError` (a 500), without one you get duplicates
    that break every later `.get()`. Double-clicked submit buttons and retried webhooks make
    this common, not theoretical.

    ## Example
    ```python
    if not Customer.objects.filter(email=email).exists():
        Customer.objects.create(email=email, name=name)
    ```

    ## Use instead
    ```python
    Customer.objects.get_or_create(email=email, defaults={"name": name})
    ```

    ## Fix safety
    The fix rewrites the sequence as `M.objects.get_or_create(<lookup>, defaults={<the other
    create arguments>})`, keeping the variable it assigned (`x, _ = ...`). It is offered
    only when the rewrite does what the code did: the same plain-field lookup, a create that
    writes every looked-up value unchanged, and nothing else in the replaced statements.

    It is **safe** when the project's model index shows the lookup is unique (`unique=True`,
    the primary key, `unique_together` or a `UniqueConstraint`): the database then settles the
    race inside `get_or_create()`. Without a unique constraint `get_or_create()` races too (as
    Django's documentation warns) and raises `MultipleObjectsReturned` where duplicates already
    exist, so no fix is offered and the message says a unique constraint is needed. A related
    manager's implicit key counts (`unique_together = ("attribute", "product")` covers
    `product.attribute_values.get(attribute=a)`); for a model errguard cannot see (a third-party
    app's) the message does not claim there is no constraint.

    `get_or_create()` evaluates its `defaults` on every call, also when the row exists, where
    the original code evaluated the create's other arguments only when it created one. The fix
    is therefore **unsafe** when a default calls anything but a pure constructor (`str()`,
    `Decimal()`, `timezone.now()`, ...): `defaults={"customer": payments.create_customer(email)}`
    would create a customer at the payment provider on every call. Move such a call into a
    callable default (`defaults={"customer": lambda: ...}`: Django calls it only on create) or
    keep the check inside a transaction with a unique constraint.
    """

    code = "EG201"
    message = (
        "check-then-create race: {check} and then {create} at line {line} let two requests "
        "both find no row and both create one"
    )
    help = "{advice}"
    fix = Applicability.SAFE
    fix_title = "Replace with {manager}.get_or_create(...)"
    triggers = (b"create",)
    uses_models = True

    def check_function(self, function: Function, ctx: FileContext) -> None:
        if not ctx.mentions(function, (b"create(",)):
            return
        if runs_once_or_in_tests(ctx.source.path, ctx.project.root):
            return
        if single_process_module(ctx) or migrate_only(function, ctx):
            return
        taken: set[str] | None = None
        serialised: bool | None = None  # every caller holds a row lock around the call
        reported: set[int] = set()
        for race in races(function, ctx):
            if race.locked or id(race.check) in reported:
                continue
            chain = race.lookup_chain
            if not_the_same_row(chain, race.create, function, race.check, ctx):
                continue
            if serialised is None:
                serialised = serialised_by_callers(function, ctx)
            if serialised:
                return
            reported.add(id(race.check))
            lookup = chain.lookup() or {}
            unique, fields = unique_lookup(chain, lookup, function, ctx)
            manager = ctx.source_of(chain.manager)
            taken = names_used([function]) if taken is None else taken
            created = next((n for n in _CREATED_NAMES if n not in taken), None)
            fixable = race.rewritable and (race.target is None or created is not None)
            self.report(
                ctx,
                race.check,
                check=ctx.segment(race.check),
                create=ctx.segment(race.create),
                line=race.create.lineno,
                advice=_advice(unique, manager, fields, chain.model_text),
                fix=_applicability(race, lookup, ctx) if unique and fixable else False,
                fix_data={
                    "manager": manager,
                    "spans": [ctx.span(stmt) for stmt in race.replaced],
                    "replacement": _replacement(race, ctx, manager, created or ""),
                },
            )

    VALID = (
        Valid(
            """
            from shop.models import Book

            def add_book(author, title):
                if Book.objects.filter(author=author, title=title).exists():
                    return None
                return Book.objects.create(author=author, title=title)
            """,
            files={
                **SHOP,
                "shop/views.py": (
                    "from django.db import transaction\n"
                    "from example import add_book\n"
                    "from shop.models import Author\n\n"
                    "def new_book(request, pk):\n"
                    "    # The author's row lock serialises add_book() for that author.\n"
                    "    with transaction.atomic():\n"
                    "        author = Author.objects.select_for_update().get(pk=pk)\n"
                    "        return add_book(author, request.POST['title'])\n"
                ),
            },
        ),
        Valid(
            """
            from django.db import transaction
            from shop.models import Author, Book

            def add_book(author_id, title):
                # The author's row lock serialises every check-then-create under it.
                with transaction.atomic():
                    author = Author.objects.select_for_update().get(pk=author_id)
                    if Book.objects.filter(author=author, title=title).exists():
                        return None
                    return Book.objects.create(author=author, title=title)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author

            def register(email, name):
                author, created = Author.objects.get_or_create(email=email, defaults={"name": name})
                return author
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db import IntegrityError, transaction
            from shop.models import Author

            def register(email, name):
                if not Author.objects.filter(email=email).exists():
                    try:
                        with transaction.atomic():
                            Author.objects.create(email=email, name=name)
                    except IntegrityError:
                        pass
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.contrib import messages
            from shop.models import Author

            def check_email(request, email):
                if Author.objects.filter(email=email).exists():
                    messages.error(request, "That email is taken.")
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db import transaction
            from shop.models import Tag

            @transaction.atomic
            def ensure_tag(name):
                if not Tag.objects.select_for_update().filter(name=name).exists():
                    Tag.objects.create(name=name)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Tag

            def seed(name):
                if not Author.objects.filter(name=name).exists():
                    Tag.objects.create(name=name)
                Author.objects.create(name=name, email=f"{name}@example.com")
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Book

            def add_copy(title, author):
                if Book.objects.filter(title=title).exists():
                    Book.objects.create(title=title, author=author)
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.core.management.base import BaseCommand
            from shop.models import Tag

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    if not Tag.objects.filter(name=options["name"]).exists():
                        Tag.objects.create(name=options["name"])
            """,
            files={
                **SHOP,
                "shop/management/__init__.py": "",
                "shop/management/commands/__init__.py": "",
            },
        ),
        Valid(
            """
            from shop.models import Tag

            def main(name):
                if not Tag.objects.filter(name=name).exists():
                    Tag.objects.create(name=name)

            if __name__ == "__main__":
                main("default")
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db.models.signals import post_migrate
            from django.dispatch import receiver
            from shop.models import Tag

            def ensure_tags():
                if not Tag.objects.filter(name="news").exists():
                    Tag.objects.create(name="news")

            @receiver(post_migrate)
            def seed(sender, **kwargs):
                ensure_tags()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.utils import timezone
            from tokens.models import Token

            def token_for(user):
                if Token.objects.filter(user=user, expires__gt=timezone.now()).exists():
                    return None
                return Token.objects.create(user=user, expires=timezone.now())
            """,
        ),
        Valid(
            """
            from billing.models import Refund

            def record(order, amount):
                pending = order.refunds.filter(state__in=(Refund.CREATED, Refund.TRANSIT)).first()
                if pending:
                    pending.done()
                else:
                    order.refunds.create(state=Refund.EXTERNAL, amount=amount)
            """,
        ),
        Valid(
            """
            from shop.models import Book

            def default_book(author):
                book = Book.objects.filter(author=author).first()
                if book:
                    return book
                return Book.objects.create(author=author, title="Untitled")
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Author, Book

            def import_author(email, titles):
                author = Author(email=email)
                author.save()
                for title in titles:
                    if Book.objects.filter(author=author, title=title).exists():
                        continue
                    Book.objects.create(author=author, title=title)
            """,
            files=SHOP,
        ),
    )
    INVALID = (
        Invalid(
            """
            from shop.models import Book

            def add_book(author, title):
                if Book.objects.filter(author=author, title=title).exists():
                    return None
                return Book.objects.create(author=author, title=title)
            """,
            files={
                **SHOP,
                "shop/views.py": (
                    "from django.db import transaction\n"
                    "from example import add_book\n"
                    "from shop.models import Author\n\n"
                    "def new_book(request, pk):\n"
                    "    with transaction.atomic():\n"
                    "        author = Author.objects.select_for_update().get(pk=pk)\n"
                    "        return add_book(author, request.POST['title'])\n\n"
                    "def import_book(author, title):\n"
                    "    return add_book(author, title)  # no lock here\n"
                ),
            },
            line=4,
        ),
        Invalid(
            """
            from shop.models import Book

            def add_book(request, author):
                # A view: no management command, no lock, the same row checked and created.
                book = Book.objects.filter(author=author, title=request.POST["title"]).first()
                if book is None:
                    book = Book.objects.create(author=author, title=request.POST["title"])
                return book
            """,
            files=SHOP,
            line=6,
        ),
        Invalid(
            """
            from shop.models import Author, Book

            def review(author_id):
                author = Author.objects.get(pk=author_id)
                if not author.books.filter(title="Draft").exists():
                    author.books.create(title="Draft", price=0)
            """,
            files=SHOP,
            line=5,
            message='check-then-create race: not author.books.filter(title="Draft").exists() '
            'and then author.books.create(title="Draft", price=0) at line 6 let two requests '
            "both find no row and both create one; use get_or_create() with a unique constraint "
            "on (author, title): without one it races too",
        ),
        Invalid(
            """
            from shop.models import Tag

            def tag_once(name, enabled):
                existing = Tag.objects.filter(name=name)
                if enabled and existing.exists():
                    return existing.first()
                return Tag.objects.create(name=name, **defaults_for(name))
            """,
            files=SHOP,
            line=5,
            column=8,
        ),
        Invalid(
            """
            def like(post, user):
                if not post.likes.filter(user=user).exists():
                    post.likes.create(user=user)
            """,
            line=2,
            column=8,
            message="check-then-create race: not post.likes.filter(user=user).exists() and then "
            "post.likes.create(user=user) at line 3 let two requests both find no row and both "
            "create one; use get_or_create() backed by a unique constraint on (user) (errguard "
            "cannot see whether post.likes has one)",
        ),
        Invalid(
            """
            from shop.models import Author

            def find_or_create_author(email, name):
                existing = Author.objects.filter(email=email).first()
                if existing:
                    return existing
                return Author.objects.create(email=email, name=name)
            """,
            files=SHOP,
            line=5,
            column=8,
        ),
        Invalid(
            """
            from reports.models import DailyReport

            def generate(day, kind):
                if DailyReport.objects.filter(date=day, kind=kind).exists():
                    raise AlreadyGenerated(day)
                return DailyReport.objects.create(date=day, kind=kind, payload=build(day))
            """,
            line=4,
            column=8,
        ),
        Invalid(
            """
            from shop.models import Tag

            def ensure_tag(name):
                if not Tag.objects.filter(name=name).exists():
                    Tag.objects.create(name=name)
            """,
            files=SHOP,
            line=4,
            column=8,
            message="check-then-create race: not Tag.objects.filter(name=name).exists() and "
            "then Tag.objects.create(name=name) at line 5 let two requests both find no row and "
            "both create one; use Tag.objects.get_or_create(...)",
            fixed="""
            from shop.models import Tag

            def ensure_tag(name):
                Tag.objects.get_or_create(name=name)
            """,
        ),
        Invalid(
            """
            from shop.models import Author

            def author_for(email, name):
                # Reuse the author when the email is known.
                author = Author.objects.filter(email=email).first()
                if author is None:
                    author = Author.objects.create(email=email, name=name)
                return author
            """,
            files=SHOP,
            line=6,
            fixed="""
            from shop.models import Author

            def author_for(email, name):
                # Reuse the author when the email is known.
                author, _ = Author.objects.get_or_create(email=email, defaults={"name": name})
                return author
            """,
        ),
        Invalid(
            """
            from django.utils.translation import gettext as _
            from shop.models import Author

            def find(email, name):
                try:
                    found = Author.objects.get(email=email)
                except Author.DoesNotExist:
                    found = Author.objects.create(email=email, name=name)
                return found, _("Found")
            """,
            files=SHOP,
            line=6,
            fixed="""
            from django.utils.translation import gettext as _
            from shop.models import Author

            def find(email, name):
                found, _created = Author.objects.get_or_create(email=email, defaults={"name": name})
                return found, _("Found")
            """,
        ),
        Invalid(
            """
            from shop.models import Author

            from .directory import whois

            def author_for(e):
                # whois() asks the company directory: slow, and billed per call.
                author = Author.objects.filter(email=e).first()
                if author is None:
                    author = Author.objects.create(email=e, name=whois(e))
                return author
            """,
            files=SHOP,
            line=8,
            fixed=None,
            unsafe_fixed="""
            from shop.models import Author

            from .directory import whois

            def author_for(e):
                # whois() asks the company directory: slow, and billed per call.
                author, _ = Author.objects.get_or_create(email=e, defaults={"name": whois(e)})
                return author
            """,
        ),
        Invalid(
            """
            from shop.models import Book

            def add_book(title, author):
                if Book.objects.filter(title=title).count() == 0:
                    Book.objects.create(title=title, author=author, price=0)
            """,
            files=SHOP,
            message="check-then-create race: Book.objects.filter(title=title).count() == 0 and "
            "then Book.objects.create(title=title, author=author, price=0) at line 5 let two "
            "requests both find no row and both create one; use get_or_create() with a unique "
            "constraint on (title): without one it races too",
        ),
        Invalid(
            """
            from shop.models import Author

            def register(data):
                if Author.objects.filter(email=data["email"]).exists():
                    return None
                else:
                    return Author.objects.create(email=data["email"], name=data["name"])
            """,
            files=SHOP,
        ),
        Invalid(
            """
            from shop.models import Tag

            def ensure_tag(name):
                exists = Tag.objects.filter(name__iexact=name).exists()
                if not exists:
                    Tag.objects.create(name=name)
            """,
            files=SHOP,
            line=5,
        ),
    )


def _advice(unique: bool | None, manager: str, fields: str, model: str) -> str:
    if unique:
        return f"use {manager}.get_or_create(...)"
    if unique is None:
        return (
            f"use get_or_create() backed by a unique constraint on ({fields}) (errguard cannot "
            f"see whether {model} has one)"
        )
    return f"use get_or_create() with a unique constraint on ({fields}): without one it races too"


def _applicability(race: Race, lookup: Mapping[str, ast.expr], ctx: FileContext) -> Applicability:
    """Unsafe when a default is not pure: ``get_or_create`` evaluates it also for existing rows."""
    keywords = keyword_map(race.create) or {}
    defaults = [value for key, value in keywords.items() if key not in lookup]
    if all(is_pure(value, ctx.imports) for value in defaults):
        return Applicability.SAFE
    return Applicability.UNSAFE


def _replacement(race: Race, ctx: FileContext, manager: str, created: str) -> str:
    lookup = race.lookup_chain.lookup() or {}
    keywords = keyword_map(race.create) or {}
    arguments = [f"{key}={ctx.source_of(value)}" for key, value in lookup.items()]
    defaults = [f'"{k}": {ctx.source_of(v)}' for k, v in keywords.items() if k not in lookup]
    if defaults:
        arguments.append("defaults={" + ", ".join(defaults) + "}")
    call = f"{manager}.get_or_create({', '.join(arguments)})"
    return f"{race.target}, {created} = {call}" if race.target else call
