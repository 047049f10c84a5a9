from __future__ import annotations

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.project.modules import runs_once_or_in_tests
from errguard.registry import Function, FunctionRule
from errguard.rules._check_then_create import Race, races
from errguard.rules._example_models import SHOP
from errguard.rules._races import keyword_map, names_used

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

    Not flagged: `get_or_create()` and `update_or_create()`; a create guarded by
    `except IntegrityError` (the race is handled); a check used only for display (no create in
    the "missing" branch); a create with no prior check; a check made with
    `select_for_update()` inside `transaction.atomic()`, or after a `select_for_update()` earlier
    in the same atomic block (a lock on the parent row serialises the checks under it); a create
    with none of the looked-up values.

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
    exist, so the fix is **unsafe** and the message says a unique constraint is needed.
    """

    code = "EG201"
    message = (
        "check-then-create race: {check} and then {create} at line {line} let two requests "
        "both find no row and both create one; {advice}"
    )
    fix = Applicability.SAFE
    fix_title = "Replace with {manager}.get_or_create(...)"
    triggers = (b"create",)
    uses_models = True

    def check_function(self, function: Function, ctx: FileContext) -> None:
        if not ctx.mentions(function, (b"create(",)):
            return
        if runs_once_or_in_tests(ctx.source.path, ctx.project.root):
            return
        taken: set[str] | None = None
        reported: set[int] = set()
        for race in races(function, ctx):
            if race.locked or id(race.check) in reported:
                continue
            reported.add(id(race.check))
            chain = race.lookup_chain
            lookup = chain.lookup() or {}
            unique = chain.model is not None and chain.model.is_unique(lookup)
            manager = ctx.source_of(chain.manager)
            taken = names_used([function]) if taken is None else taken
            created = next((n for n in _CREATED_NAMES if n not in taken), None)
            fixable = race.rewritable and (race.target is None or created is not None)
            fields = ", ".join(lookup) or "the lookup"
            self.report(
                ctx,
                race.check,
                check=ctx.segment(race.check),
                create=ctx.segment(race.create),
                line=race.create.lineno,
                advice=f"use {manager}.get_or_create(...)"
                if unique
                else f"use get_or_create() with a unique constraint on ({fields}): without one "
                "it races too",
                fix=(Applicability.SAFE if unique else Applicability.UNSAFE) if fixable else False,
                fix_data={
                    "manager": manager,
                    "spans": [ctx.span(stmt) for stmt in race.replaced],
                    "replacement": _replacement(race, ctx, manager, created or ""),
                },
            )

    VALID = (
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
    )
    INVALID = (
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
            unsafe_fixed="""
            def like(post, user):
                post.likes.get_or_create(user=user)
            """,
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
            unsafe_fixed="""
            from shop.models import Book

            def add_book(title, author):
                Book.objects.get_or_create(title=title, defaults={"author": author, "price": 0})
            """,
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


def _replacement(race: Race, ctx: FileContext, manager: str, created: str) -> str:
    lookup = race.lookup_chain.lookup() or {}
    keywords = keyword_map(race.create) or {}
    arguments = [f"{key}={ctx.source_of(value)}" for key, value in lookup.items()]
    defaults = [f'"{k}": {ctx.source_of(v)}' for k, v in keywords.items() if k not in lookup]
    if defaults:
        arguments.append("defaults={" + ", ".join(defaults) + "}")
    call = f"{manager}.get_or_create({', '.join(arguments)})"
    return f"{race.target}, {created} = {call}" if race.target else call
