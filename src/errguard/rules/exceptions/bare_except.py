from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.registry import Rule
from errguard.rules.exceptions._handlers import acknowledged, has_bare_raise


class BareExcept(Rule):
    """Bare `except:` clause.

    ## What it does
    Flags `except:` clauses that name no exception class.

    ## Why is this bad?
    A bare `except:` catches every `BaseException`: `KeyboardInterrupt`, `SystemExit` and
    `GeneratorExit` as well as errors. Ctrl-C stops working inside the block, `sys.exit()` in a
    worker is ignored, a gunicorn worker's graceful shutdown is swallowed, and a `NameError` from
    a typo is handled exactly like the failure the block was written for.

    ## Example
    ```python
    try:
        send_receipt(order)
    except:
        logger.warning("receipt not sent for order %s", order.pk)
    ```

    ## Use instead
    ```python
    try:
        send_receipt(order)
    except SMTPException:
        logger.warning("receipt not sent for order %s", order.pk)
    ```

    ## Fix safety
    The fix names a class and is applied by `errguard fix`. When the handler re-raises with a
    bare `raise`, it writes `except BaseException:`, which catches exactly what `except:` caught:
    behaviour is unchanged. Otherwise it writes `except Exception:`, which lets
    `KeyboardInterrupt`, `SystemExit` and `GeneratorExit` propagate instead of being swallowed.
    That is the one behaviour change, and it is the point of the rule; every other exception is
    still caught. Narrow `Exception` to the classes you expect afterwards.

    A line already marked for the same check by another linter (`# noqa: E722`,
    `# pylint: disable=bare-except`) is not reported. A project whose flake8, ruff or pylint
    configuration ignores that check everywhere (`ignore = E722` under `[flake8]`, ruff's
    `ignore = ["E722"]`, pylint's `disable = bare-except`) has decided bare excepts are
    acceptable in its code: the rule is off there, with a note, unless selected by its full
    code (`extend-select = ["EG401"]`).
    """

    code = "EG401"
    message = "bare `except:` also catches KeyboardInterrupt and SystemExit"
    help = "catch `{replacement}` or the specific exceptions you expect"
    triggers = (b"except",)
    same_check = ("E722", "W0702", "bare-except")
    fix = Applicability.SAFE
    fix_title = "Replace `except:` with `except {replacement}:`"

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        if node.type is not None:
            return
        if acknowledged(ctx.line_text(node.lineno), self.same_check, self.same_check):
            return
        replacement = "BaseException" if has_bare_raise(node) else "Exception"
        self.report(
            ctx,
            node,
            end=(node.lineno, node.col_offset + len("except")),
            replacement=replacement,
            fix_data={"replacement": replacement},
        )

    VALID = (
        Valid(
            """
            try:
                charge(order)
            except (ValueError, TypeError):
                pass
            """
        ),
        Valid(
            """
            try:
                wait_for_jobs()
            except KeyboardInterrupt:
                shutdown()
            """
        ),
        Valid(
            """
            try:
                charge(order)
            except Exception as exc:
                raise PaymentError("charge failed") from exc
            """
        ),
        Valid(
            """
            try:
                legacy_call()
            except:  # noqa: E722 - the vendor SDK raises strings
                logger.exception("vendor failure")
            """
        ),
        Valid(
            """
            try:
                legacy_call()
            except:  # pylint: disable=bare-except
                logger.exception("vendor failure")
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            try:
                send_receipt(order)
            except:
                logger.warning("receipt not sent")
            """,
            line=3,
            column=1,
            fixed="""
            try:
                send_receipt(order)
            except Exception:
                logger.warning("receipt not sent")
            """,
        ),
        Invalid(
            """
            try:
                process(job)
            except:  # keep the job for later
                job.requeue()
                raise
            """,
            line=3,
            message="bare `except:` also catches KeyboardInterrupt and SystemExit; "
            "catch `BaseException` or the specific exceptions you expect",
            fixed="""
            try:
                process(job)
            except BaseException:  # keep the job for later
                job.requeue()
                raise
            """,
        ),
        Invalid(
            """
            for job in jobs:
                try:
                    process(job)
                except ValueError:
                    continue
                except:
                    try:
                        job.mark_failed()
                    except:
                        raise
                    continue
            """,
            count=2,
            fixed="""
            for job in jobs:
                try:
                    process(job)
                except ValueError:
                    continue
                except Exception:
                    try:
                        job.mark_failed()
                    except BaseException:
                        raise
                    continue
            """,
        ),
        Invalid(
            """
            def read_config(path):
                try:
                    with open(path) as handle:
                        return handle.read()
                except:pass
            """,
            line=5,
            column=5,
            fixed="""
            def read_config(path):
                try:
                    with open(path) as handle:
                        return handle.read()
                except Exception:pass
            """,
        ),
    )
