from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from errguard.astutil import names_loaded, rebinds, walk_scope
from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.project.functions import ModuleDefinitions
from errguard.project.modules import runs_once_or_in_tests
from errguard.registry import Function, FunctionRule, Option
from errguard.rules.races._effect_calls import EffectFollower, Reached, calls_in
from errguard.rules.races._side_effects import Scope, SideEffect, side_effect
from errguard.rules.races._transaction_writes import callee_writes, delayed, writes_around
from errguard.rules.races._transactions import Region, is_view, regions

_TRANSACTION = "django.db.transaction"
# What each kind of side effect does, and what goes wrong when it runs before the commit.
_KINDS = {
    "task": (
        "queues a Celery task",
        "a worker may run it before the commit and not find the rows written here, "
        "and it runs even if the transaction rolls back",
    ),
    "mail": ("sends mail", "the mail goes out even if the transaction rolls back"),
    "http": ("makes an HTTP request", "it is sent even if the transaction rolls back"),
    "call": ("acts outside the database", "it happens even if the transaction rolls back"),
}
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


@dataclass(frozen=True)
class _Site:
    """The function being checked and what its calls resolve through."""

    function: Function
    scope: Scope
    follower: EffectFollower
    cls: str | None  # the class whose method it is


class SideEffectInTransaction(FunctionRule):
    """A task queued, mail sent or HTTP request made inside a transaction, before its commit.

    ## What it does
    Flags calls that act outside the database and cannot be rolled back with it, made inside
    a transaction: in a `with transaction.atomic(...)` block (any arguments, `durable=True`
    and `using=` included), in a function decorated `@transaction.atomic`, or in a view when
    the settings turn `ATOMIC_REQUESTS` on for the `default` database (read from the source of
    the project's settings modules: a value computed at start-up counts as off). The calls are:

    - a Celery task queued: `task.delay()`, `task.apply_async()`, `task.s(...).delay()`,
      `app.send_task()`. The task must be one: a function of the project decorated
      `@shared_task`/`@app.task` or defined in a `tasks` module, or a name imported from a
      `tasks` module errguard cannot read;
    - mail sent through `django.core.mail`: `send_mail()`, `send_mass_mail()`,
      `mail_admins()`, `mail_managers()`, `EmailMessage(...).send()` (and
      `EmailMultiAlternatives`), `get_connection().send_messages()`;
    - an HTTP request that changes something elsewhere: `requests`/`httpx` `post`, `put`,
      `patch`, `delete` (or `request("POST", ...)`), on the module or on a session or client
      made in the function, and `urllib.request.urlopen()` with a body;
    - the functions named in the `extra-side-effects` option.

    A view is a function of a `views` module whose first parameter is `request`, or a method
    of a class there that handles a request (`get`, `post`, ..., `form_valid`,
    `perform_create`, ...), unless marked `@transaction.non_atomic_requests`.

    Calls into the project's functions are followed three calls deep (functions, sibling
    methods, through imports), and a side effect found there is reported at the call in the
    transaction. It is reported only when the transaction writes on the path through the
    call (a `save()`, `create()`, `update()`, `delete()`, ... before or after it, in its
    branch, or in the project functions called there; Django's cache does not count): a
    transaction that writes nothing has nothing to hide from the worker or to roll back. A
    task queued with `countdown=` or `eta=` starts after the delay, so only a write after it
    counts.

    Not flagged: a callback passed to `transaction.on_commit()` (a lambda, a
    `functools.partial`, a function), what a called function does inside its own atomic
    block (reported there), a task whose `base=` class queues it from
    `transaction.on_commit` (a transaction-aware task), GET/HEAD/OPTIONS requests (they
    change nothing), tests and migrations. Branches of a called function are not told
    apart: a `save(update_fields=[...])` that skips the task `save()` queues otherwise is
    still reported.

    ## Why is this bad?
    Until the transaction commits, its writes are visible to nobody else. A Celery worker can
    pick up the task within milliseconds and look for the order the view is still creating:
    `DoesNotExist`, or it reads the old row. And if the transaction rolls back (a later
    query fails, a validation error, a deadlock), the mail has been sent and the webhook
    called for an order that does not exist. A management command's `atomic()` block, or a
    Celery task decorated `@transaction.atomic`, is no different: it can roll back too.

    ## Example
    ```python
    with transaction.atomic():
        order = Order.objects.create(cart=cart)
        send_confirmation.delay(order.pk)
    ```

    ## Use instead
    ```python
    with transaction.atomic():
        order = Order.objects.create(cart=cart)
        transaction.on_commit(lambda: send_confirmation.delay(order.pk))
    ```

    ## Fix safety
    The fix is **unsafe**: it wraps the call in `transaction.on_commit(lambda: ...)`, or in
    `transaction.on_commit(functools.partial(...))` when the call is in a loop or a name it
    reads is bound again later (a lambda would see the last value), importing `transaction`
    or `functools` when needed. It is offered only for a call that is a statement of its own
    (its result unused) in a function that is not `async`. The side effect then happens after
    the commit, or not at all if the transaction rolls back, and an exception it raises no
    longer rolls the transaction back: if the code relied on either, keep it where it is.
    Calls reached through a project function are not fixed: the function may write too.

    ## Options
    `[tool.errguard.rules.EG203]` `extra-side-effects`: qualified names of more functions
    that act outside the database (`"myapp.push.notify"`), as the code imports them.
    """

    code = "EG203"
    message = (
        "`{call}` {does}{through} inside a transaction ({where}), before it commits: "
        "{consequence}; {advice}"
    )
    fix = Applicability.UNSAFE
    fix_title = "Run `{call}` in transaction.on_commit()"
    triggers = (b"atomic", b"request")
    options: ClassVar[Mapping[str, Option]] = {
        "extra-side-effects": Option(
            list,
            [],
            "Qualified names of more functions that act outside the database "
            '(e.g. "myapp.push.notify"), flagged like sending mail.',
        )
    }

    def check_function(self, function: Function, ctx: FileContext) -> None:
        if runs_once_or_in_tests(ctx.source.path, ctx.project.root):
            return
        owner = _owners(ctx).get(id(function))
        atomic_view = "default" in ctx.project.atomic_request_databases and is_view(
            function, owner, ctx.module
        )
        # The decorators are above the ``def`` line that ``mentions`` starts from.
        if not (atomic_view or function.decorator_list or ctx.mentions(function, (b"atomic",))):
            return
        here = _here(ctx)
        extra = frozenset(self.settings["extra-side-effects"])
        scope = Scope.of(function, here, ctx.project.functions, extra)
        follower = EffectFollower(ctx.project.functions, extra)
        site = _Site(function, scope, follower, owner.name if owner is not None else None)
        for region in regions(function, scope.imports, atomic_view=atomic_view):
            self._check_region(region, site, ctx)

    def _check_region(self, region: Region, site: _Site, ctx: FileContext) -> None:
        function, scope, follower, cls = site.function, site.scope, site.follower, site.cls
        for call in calls_in(region.body):
            effect = side_effect(call, scope)
            if effect is not None:
                after_only = effect.kind == "task" and delayed(call)
                if writes_around(call, region.body, scope, cls, after_only=after_only):
                    fix_data = _fix_data(call, effect, function, ctx)
                    self._report(ctx, call, effect, region, reached=None, fix_data=fix_data)
                continue
            reached = follower.reached(call, scope, cls)
            if reached is not None and (
                callee_writes(call, scope, cls)
                or writes_around(call, region.body, scope, cls, after_only=False)
            ):
                self._report(ctx, call, reached.effect, region, reached=reached, fix_data=None)

    def _report(
        self,
        ctx: FileContext,
        call: ast.Call,
        effect: SideEffect,
        region: Region,
        *,
        reached: Reached | None,
        fix_data: dict[str, object] | None,
    ) -> None:
        does, consequence = _KINDS[effect.kind]
        if reached is None:
            spelled, through, advice = effect.call, "", "call it from transaction.on_commit()"
        else:
            spelled = f"{ctx.segment(call.func)}()"
            chain = " -> ".join((*reached.chain, effect.call))
            through = f" (`{chain}`, {reached.module} line {reached.line})"
            advice = "move that call into transaction.on_commit()"
        self.report(
            ctx,
            call,
            call=spelled,
            does=does,
            through=through,
            where=region.where,
            consequence=consequence,
            advice=advice,
            fix=fix_data is not None,
            fix_data=fix_data,
        )

    VALID = (
        Valid(
            """
            import functools

            from django.core.mail import send_mail
            from django.db import transaction
            from shop.tasks import send_receipt

            def checkout(order, to):
                with transaction.atomic():
                    order.save()
                    transaction.on_commit(lambda: send_receipt.delay(order.pk))
                    transaction.on_commit(functools.partial(send_mail, "Thanks", "", None, to))

                    def notify():
                        send_mail("New order", str(order.pk), None, ["shop@example.com"])

                    transaction.on_commit(notify)
            """,
            files={
                "shop/__init__.py": "",
                "shop/tasks.py": (
                    "from celery import shared_task\n\n"
                    "@shared_task\n"
                    "def send_receipt(pk):\n"
                    "    pass\n"
                ),
            },
        ),
        Valid(
            """
            import requests
            from django.db import transaction

            class Timer:
                def delay(self, seconds):
                    pass

            def refresh(order, timer, url):
                with transaction.atomic():
                    order.save()
                    timer.delay(5)  # not a Celery task
                    order.rate = requests.get(url, timeout=5).json()["rate"]  # reads only
                    order.save()
            """
        ),
        Valid(
            """
            from celery import Celery, Task
            from django.db import transaction

            app = Celery()

            class TransactionAwareTask(Task):
                def apply_async(self, *args, **kwargs):
                    transaction.on_commit(lambda: super().apply_async(*args, **kwargs))

            @app.task(base=TransactionAwareTask)
            def notify(pk):
                pass

            @transaction.atomic
            def checkout(order):
                order.save()
                notify.apply_async(args=(order.pk,))
            """
        ),
        Valid(
            """
            from django.db import transaction
            from shop.tasks import remove_project, retry

            @transaction.atomic
            def remove(request, project):
                if not request.user.has_perm("delete", project):
                    return None
                remove_project.delay(project.pk)  # the transaction writes nothing
                return "scheduled"

            def deliver(call):
                with transaction.atomic():
                    call.save()
                    retry.apply_async(args=(call.pk,), countdown=60)  # after the commit
            """,
            files={
                "shop/__init__.py": "",
                "shop/tasks.py": (
                    "from celery import shared_task\n\n"
                    "@shared_task\n"
                    "def remove_project(pk):\n"
                    "    pass\n\n"
                    "@shared_task\n"
                    "def retry(pk):\n"
                    "    pass\n"
                ),
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.core.mail import send_mail
            from django.db import transaction

            def checkout(order, to):
                with transaction.atomic():
                    order.save()
                    send_mail("Thanks", "", None, to)  # receipt
            """,
            line=7,
            column=9,
            message=(
                "`send_mail()` sends mail inside a transaction (`with transaction.atomic()`, "
                "line 5), before it commits: the mail goes out even if the transaction rolls "
                "back; call it from transaction.on_commit()"
            ),
            unsafe_fixed="""
            from django.core.mail import send_mail
            from django.db import transaction

            def checkout(order, to):
                with transaction.atomic():
                    order.save()
                    transaction.on_commit(lambda: send_mail("Thanks", "", None, to))  # receipt
            """,
        ),
        Invalid(
            """
            from celery import shared_task
            from django.db.transaction import atomic

            @shared_task
            def send_receipt(pk):
                pass

            @atomic
            def checkout(cart):
                order = cart.orders.create(total=cart.total)
                send_receipt.delay(order.pk)
                return order
            """,
            line=11,
            column=5,
            message=(
                "`send_receipt.delay()` queues a Celery task inside a transaction "
                "(`@transaction.atomic` function `checkout()`), before it commits: a worker "
                "may run it before the commit and not find the rows written here, and it runs "
                "even if the transaction rolls back; call it from transaction.on_commit()"
            ),
            unsafe_fixed="""
            from django.db import transaction
            from celery import shared_task
            from django.db.transaction import atomic

            @shared_task
            def send_receipt(pk):
                pass

            @atomic
            def checkout(cart):
                order = cart.orders.create(total=cart.total)
                transaction.on_commit(lambda: send_receipt.delay(order.pk))
                return order
            """,
        ),
        Invalid(
            """
            from django.db import transaction
            from shop.tasks import ship

            def ship_all(orders):
                with transaction.atomic(durable=True):
                    for order in orders.select_for_update():
                        order.status = "shipped"
                        order.save()
                        ship.s(order.pk).delay()
            """,
            line=9,
            column=13,
            unsafe_fixed="""
            import functools
            from django.db import transaction
            from shop.tasks import ship

            def ship_all(orders):
                with transaction.atomic(durable=True):
                    for order in orders.select_for_update():
                        order.status = "shipped"
                        order.save()
                        transaction.on_commit(functools.partial(ship.s(order.pk).delay))
            """,
            files={"shop/__init__.py": "", "shop/tasks.py": "def ship(pk):\n    pass\n"},
        ),
        Invalid(
            """
            import requests
            from django.core.mail import EmailMultiAlternatives, mail_admins
            from django.db import transaction

            def refund(payment, url):
                with transaction.atomic():
                    payment.refunded = True
                    payment.save()
                    response = requests.post(url, json={"id": payment.pk}, timeout=10)
                    message = EmailMultiAlternatives("Refunded", "", None, [payment.email])
                    message.send()
                    with requests.Session() as session:
                        session.request("DELETE", url)
                    mail_admins("Refund", str(payment.pk))
                return response
            """,
            line=9,
            column=20,
            count=4,
            unsafe_fixed="""
            import requests
            from django.core.mail import EmailMultiAlternatives, mail_admins
            from django.db import transaction

            def refund(payment, url):
                with transaction.atomic():
                    payment.refunded = True
                    payment.save()
                    response = requests.post(url, json={"id": payment.pk}, timeout=10)
                    message = EmailMultiAlternatives("Refunded", "", None, [payment.email])
                    transaction.on_commit(lambda: message.send())
                    with requests.Session() as session:
                        transaction.on_commit(lambda: session.request("DELETE", url))
                    transaction.on_commit(lambda: mail_admins("Refund", str(payment.pk)))
                return response
            """,
        ),
        Invalid(
            """
            from django.core import mail
            from django.db import transaction

            def notify_customer(order):
                mail.send_mail("Shipped", "", None, [order.email])

            def ship(order):
                with transaction.atomic():
                    order.status = "shipped"
                    order.save()
                    notify_customer(order)
            """,
            line=11,
            column=9,
            message=(
                "`notify_customer()` sends mail (`notify_customer() -> mail.send_mail()`, "
                "example line 5) inside a transaction (`with transaction.atomic()`, line 8), "
                "before it commits: the mail goes out even if the transaction rolls back; "
                "move that call into transaction.on_commit()"
            ),
        ),
        Invalid(
            """
            from celery import current_app
            from django.db import transaction
            from pushy import send_push

            def accept(invite):
                with transaction.atomic():
                    invite.accepted = True
                    invite.save()
                    current_app.send_task("crm.sync", [invite.pk])
                    send_push(invite.user_id, "Welcome")
            """,
            line=9,
            column=9,
            count=2,
            options={"extra-side-effects": ["pushy.send_push"]},
            unsafe_fixed="""
            from celery import current_app
            from django.db import transaction
            from pushy import send_push

            def accept(invite):
                with transaction.atomic():
                    invite.accepted = True
                    invite.save()
                    transaction.on_commit(lambda: current_app.send_task("crm.sync", [invite.pk]))
                    transaction.on_commit(lambda: send_push(invite.user_id, "Welcome"))
            """,
        ),
    )


def _here(ctx: FileContext) -> ModuleDefinitions:
    here = ctx.cache.get("eg203-here")
    if not isinstance(here, ModuleDefinitions):
        here = ModuleDefinitions.of(ctx.tree, ctx.module, is_package=ctx.is_package)
        ctx.cache["eg203-here"] = here
    return here


def _owners(ctx: FileContext) -> dict[int, ast.ClassDef]:
    """The class each method of the module's classes belongs to, by the method's id."""
    owners = ctx.cache.get("eg203-owners")
    if not isinstance(owners, dict):
        owners = {
            id(item): stmt
            for stmt in ctx.tree.body
            if isinstance(stmt, ast.ClassDef)
            for item in stmt.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        ctx.cache["eg203-owners"] = owners
    return owners


def _fix_data(
    call: ast.Call, effect: SideEffect, function: Function, ctx: FileContext
) -> dict[str, object] | None:
    """How to move ``call`` into ``transaction.on_commit()``: None when it is not a statement
    of its own, the function is async, or the names the fix needs are taken."""
    if isinstance(function, ast.AsyncFunctionDef):
        return None
    statement = _statement_of(call, function)
    if statement is None:
        return None
    imports: list[str] = []
    if ctx.imports.get("transaction") != _TRANSACTION:
        if rebinds(ctx.tree, "transaction", _TRANSACTION):
            return None
        imports.append("from django.db import transaction")
    if not _rebound_later(call, statement, function):
        wrap = "lambda"
    else:
        wrap = _partial_name(ctx) or ""
        if not wrap:
            if imports or rebinds(ctx.tree, "functools", "functools"):
                return None  # two imports to add: left to the reader
            imports.append("import functools")
            wrap = "functools.partial"
    return {
        "call": effect.call,
        "span": ctx.span(call),
        "wrap": wrap,
        "import": imports[0] if imports else "",
    }


def _statement_of(call: ast.Call, function: Function) -> ast.Expr | None:
    for node in walk_scope(function):
        if isinstance(node, ast.Expr) and node.value is call:
            return node
    return None


def _rebound_later(call: ast.Call, statement: ast.Expr, function: Function) -> bool:
    """A lambda would read a name of the call at commit time, and it may change by then: the
    call is in a loop, or a name it reads is assigned after it."""
    loops = [node for node in walk_scope(function) if isinstance(node, _LOOPS)]
    if any(statement in walk_scope(loop) for loop in loops):
        return True
    names = names_loaded(call)
    return any(
        isinstance(node, ast.Name)
        and not isinstance(node.ctx, ast.Load)
        and node.id in names
        and node.lineno > statement.lineno
        for node in walk_scope(function)
    )


def _partial_name(ctx: FileContext) -> str | None:
    if ctx.imports.get("partial") == "functools.partial":
        return "partial"
    if ctx.imports.get("functools") == "functools":
        return "functools.partial"
    return None
