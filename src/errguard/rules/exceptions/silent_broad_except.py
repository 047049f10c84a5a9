from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import ClassVar

from errguard.astutil import dotted_name, walk_scope
from errguard.detect.context import FileContext
from errguard.models import Invalid, Valid
from errguard.project.modules import in_tests
from errguard.registry import Function, FunctionRule, Option
from errguard.rules.exceptions._afterwards import handled_after, only_shown, picks_candidate
from errguard.rules.exceptions._alternatives import (
    computes_alternative,
    counts_successes,
    keeps_accepted_value,
    records_failure,
)
from errguard.rules.exceptions._fallbacks import (
    HandlerSite,
    best_effort_cleanup,
    documented_fallback,
    explained_above,
    handler_sites,
    in_logging_hook,
    parses_input,
    retries,
    signal_handler_names,
    tells_user,
    tweaks_private_attribute,
)
from errguard.rules.exceptions._handlers import (
    acknowledged,
    broad_type_nodes,
    explained_by_comment,
    fails_silently_by_design,
    handler_is_silent,
)
from errguard.rules.exceptions._host_probes import probes_host
from errguard.rules.exceptions._probes import (
    command_helper_names,
    probes_optional_import,
    queries_host_command,
    reads_optional_file,
)

_EXEMPT = "EG402:exempt-handlers"
_SITES = "EG402:handler-sites"
_SIGNAL_HANDLERS = "EG402:signal-handlers"
_COMMAND_HELPERS = "EG402:command-helpers"


def _sites(ctx: FileContext) -> dict[int, HandlerSite]:
    sites = ctx.cache.get(_SITES)
    if not isinstance(sites, dict):
        sites = ctx.cache[_SITES] = handler_sites(ctx.tree)
    return sites


def _signal_handlers(ctx: FileContext) -> set[str]:
    names = ctx.cache.get(_SIGNAL_HANDLERS)
    if not isinstance(names, set):
        names = ctx.cache[_SIGNAL_HANDLERS] = signal_handler_names(ctx.tree)
    return names


def _command_helpers(ctx: FileContext) -> set[str]:
    names = ctx.cache.get(_COMMAND_HELPERS)
    if not isinstance(names, set):
        names = ctx.cache[_COMMAND_HELPERS] = command_helper_names(ctx.tree, ctx.imports)
    return names


def _deliberate(site: HandlerSite, ctx: FileContext) -> bool:
    """Swallowing here was a decision the code itself records (``_fallbacks``), a probe for
    something that may be absent (``_probes``), or a failure the code still deals with
    (``_alternatives``, ``_afterwards``)."""
    return (
        documented_fallback(site)
        or explained_above(ctx.source.lines, site)
        or retries(site)
        or in_logging_hook(site)
        or best_effort_cleanup(site, _signal_handlers(ctx))
        or parses_input(site, ctx.imports)
        or tweaks_private_attribute(site)
        or tells_user(site)
        or probes_optional_import(site)
        or reads_optional_file(site, ctx.imports)
        or queries_host_command(site, ctx.imports, _command_helpers(ctx))
        or probes_host(site, ctx.tree, ctx.imports)
        or keeps_accepted_value(site)
        or computes_alternative(site, ctx.imports)
        or records_failure(site)
        or (counts_successes(site) and in_tests(ctx.source.path, ctx.project.root))
        or handled_after(site, ctx.imports)
        or picks_candidate(site)
        or only_shown(site)
    )


class SilentBroadExcept(FunctionRule):
    """`except Exception` that swallows the error silently.

    ## What it does
    Flags `except Exception:` and `except BaseException:` handlers (also inside a tuple of
    classes) that neither re-raise, nor log or report the error, nor look at the caught
    exception. A handler whose body is `pass`, `continue` or `return <value>` swallows.

    Logging (`logger.*`, `logging.*`, `warnings.warn`, `print`, `traceback.print_exc`), error
    trackers (`sentry_sdk.capture_exception` and the like), any call passing `exc_info=`, any
    call of a function whose name says it handles errors (`self._report_failure()`,
    `form.add_error(...)`), and any use of the bound exception (`except Exception as exc:` then
    `notify(exc)`) count as reporting. Add your own reporting functions with the
    `extra-reporters` option.

    ## Why is this bad?
    Every error the block can raise, including the `AttributeError` from next week's typo, is
    turned into silence. The code carries on with a half-done operation and nothing in the logs
    says why: the bug surfaces later, somewhere else, with no trace back to its cause.

    ## Example
    ```python
    try:
        sync_inventory(order)
    except Exception:
        pass
    ```

    ## Use instead
    Catch what you expect, or at least leave a trace:
    ```python
    try:
        sync_inventory(order)
    except InventoryUnavailable:
        pass
    except Exception:
        logger.exception("inventory sync failed for order %s", order.pk)
    ```

    ## Fix safety
    There is no automatic fix: only a person can say which exceptions are expected.

    Not reported either: handlers in `__del__` (a finalizer has no caller to tell, and logging
    may already be gone at interpreter shutdown) and in Django template filters
    (`@register.filter`), which Django's documentation asks to fail silently with a fallback
    value rather than raise; a handler that explains itself with a comment (inside it, or on the
    lines right above its `except`), because swallowing was then a decision someone wrote down;
    TODO/FIXME notes do not count as explanations. And a line already marked for the same check
    by another linter (`# noqa: BLE001`, `S110`, `# pylint: disable=broad-except`).

    Nor handlers whose swallowing the code itself shows to be deliberate, or whose failure it
    still deals with:
    - the enclosing function's docstring states the fallback ("Returns {} on any failure",
      "Best-effort", "Falls back to ... when the template cannot be found"), or opens by
      defining the predicate the handler answers `False` to ("True if the database is
      reachable and has been migrated"): failing to establish it is the documented `False`;
    - the comment opening the paragraph of code that holds the `try` (or a block around it)
      says why failure is acceptable ("best effort", "optional", "errors are swallowed",
      "must not prevent ..."): a comment that only says what the code does is not enough;
    - the `try` makes one call and the handler makes it again (`force=True`, other arguments)
      on every path and outside any `try`, so an unexpected failure recurs and propagates;
    - logging's own hooks, `filter`/`emit`/`handleError`/`format(self, record)`, which must
      neither raise nor log;
    - shutdown and cleanup paths: inside a `finally` block or an
      `except KeyboardInterrupt`/`SystemExit` handler, in `__exit__`, in a function installed
      with `signal.signal`, and a `try` that only releases a resource (`proc.kill()`,
      `stream.close()`): an error there has nowhere to go, and raising would hide the error or
      exit already under way;
    - a `try` that only parses or converts a value (`int(raw)`, `json.loads(data)`,
      `yaml_load(...)`, `urlparse(...)`, `Decimal(...)`, `datetime.strptime(...)`,
      `typing.get_type_hints(...)`, `PIL.Image.open(...)`, a reader of an image's EXIF such
      as `image.getexif()` or `get_exif_for_file(self.file)`, whose tags break the parser in
      every way when malformed) whose arguments read data
      (`request.GET.get("page")`, or a value read back from Django's cache under any key:
      `int(cache.get(version_key()))`) rather than call other code, then at most reads the
      result without calling anything (`parsed.hostname`): the handler's value means "not
      parseable";
    - a `try` that only sets a private attribute of another object (`client._config.size = 1024`),
      an internal that another version of the library may not have;
    - a fallback value that says the operation failed (`{"error": _("Badly formatted YAML")}`),
      so whoever sees the result is told;
    - a `try` that imports a module and only reads from it (`import sdk` then
      `versions["sdk"] = sdk.__version__`): a probe for an optional dependency, where failing
      means "not installed"; a `try` that goes on to call the imported code is still reported;
    - a `try` that reads a file at a path it builds (`open("/proc/self/cgroup")`,
      `(git_dir / "HEAD").read_text()`), or a whole file through pathlib
      (`self.log_file.read_text()`), and only takes the text apart (string methods, regular
      expressions, `json.load`): a file missing on this host is the expected failure. Reading
      through another object (`storage.open(name)`) or passing the contents to other code is
      still reported;
    - a `try` that runs a fixed command (constant arguments, through `subprocess` or a helper
      of the module that returns its result) and only takes its output apart
      (`check_output(["git", "rev-parse", "HEAD"]).strip()`): a tool missing on this host is
      the expected failure. A command run for its effect, or on the code's data, is still
      reported;
    - a `try` that only asks the host about itself: functions of `socket`, `psutil`,
      `platform`, `os.getloadavg()`-style readers, `shutil.disk_usage()`, a gettext catalog, a
      GET of a service whose address the code writes (`urlopen("https://api.ipify.org")`,
      `f"https://ipapi.co/{ip}/json/"`), file reads at built paths and path tests
      (`git_dir.is_file()`), methods of what they return (`s.getsockname()`), text handling,
      and local helpers or lambdas that do only that (`for fetch, parse in methods:` over a
      literal list of them): offline, sandboxed or not a git checkout is the expected failure.
      A probe that passes the project's objects (`urlopen(hook.url)`), sends (`s.sendall()`),
      writes, or calls other code (`store_load(machine, psutil.getloadavg())`) is still
      reported;
    - a handler that sets constants the code then only prints inside f-strings
      (`remote = False`, then `print(f"FS_REMOTE={remote}")`): a diagnostic line, not a
      result; a value also stored or returned is still reported;
    - a handler that keeps a value the `try` itself settles for: the default of its own
      `find_tmp_dir() or config.TMP_DIR` or `config.get(key)`, or `path` when a method that
      only changes how the value is written (`path.resolve()`, `name.strip()`) fails; an
      unfiltered queryset for a failed `.filter()` is a different answer and is still reported;
    - a handler that reaches the same result another way: it sets the same variables, returns,
      or makes the same call as the `try`, from a computed value (`qs.count()` when the
      aggregate fails, a comma split when the JSON does not parse), and does nothing else, so
      if that way fails too, the error propagates. Constant or empty fallbacks (`""`, `{}`,
      `qs.none()`, `Decimal("0")`) and fallbacks that write (`objects.create(...)`) are still
      reported;
    - a handler that lets the code reach a statement that deals with the failed attempt: one
      that checks the value the `try` worked on (`create_dir(path)`, then
      `if check_dir(path):`), one that replaces the empty result by a fallback (`names = []`,
      then `if not names: names = defaults()`, but not by creating a row), or, when the `try`
      was only a shortcut (`if proc.status() == ZOMBIE: return False`) or one of a chain of
      attempts (`try: return list(o)`, then `try: return str(o)`), the function's general
      answer (`return proc.is_running()`, `return super().default(o)`) or another way to
      answer (`if event.logo: return FileResponse(event.logo)`); a constant such as
      `return "127.0.0.1"`, or going straight to `raise Http404`, is still reported;
    - a `try` in a `for` loop that only asks questions of the current item (calls named as
      tests, `candidate.exists() and dir_is_writable(candidate)`) to pick it
      (`found = candidate`, `return candidate`), with a handler that moves on: a test that
      fails rejects the item as one that answers no does, an outcome the code around the loop
      already has to allow for. A test that acts (`if charge(order): paid = order`) or a pick that
      does more than keep the item is still reported;
    - a handler that counts or collects the failure where failures are kept
      (`stats["errors"] += 1`, `failed.append(row)`), or, in test code, that only skips a
      `try` which counts what worked (`completed += 1`) when the function returns or asserts
      on that count: the test's assertion sees the shortfall. Outside tests such a count
      (`return JsonResponse({"created": created})`) says nothing about the rows that failed,
      and is still reported.

    ## Options
    `[tool.errguard.rules.EG402]` `extra-reporters`: dotted names of functions that report
    errors (`"myapp.alerts.page_oncall"`), or bare function names.
    """

    code = "EG402"
    message = "`except {name}` swallows every error silently"
    help = "log it, re-raise, or catch the specific exceptions you expect"
    triggers = (b"except",)
    options: ClassVar[Mapping[str, Option]] = {
        "extra-reporters": Option(
            list, [], "Functions that report errors (dotted names or bare function names)."
        )
    }

    def check_function(self, function: Function, ctx: FileContext) -> None:
        # Functions visit before the handlers inside them (the walk is pre-order).
        if fails_silently_by_design(function):
            exempt = ctx.cache.setdefault(_EXEMPT, set())
            assert isinstance(exempt, set)
            exempt.update(id(n) for n in walk_scope(function) if isinstance(n, ast.ExceptHandler))

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        broad = broad_type_nodes(node)
        if not broad:
            return
        exempt = ctx.cache.get(_EXEMPT)
        if isinstance(exempt, set) and id(node) in exempt:
            return
        if acknowledged(
            ctx.line_text(node.lineno),
            ("BLE001", "S110", "S112", "PLW0718", "W0703", "W0718"),
            ("broad-except", "broad-exception-caught", "W0703", "W0718"),
        ):
            return
        if not handler_is_silent(node, ctx.imports, self.settings["extra-reporters"]):
            return
        if explained_by_comment(ctx.source.lines, node):
            return
        site = _sites(ctx).get(id(node))
        if site is not None and _deliberate(site, ctx):
            return
        self.report(ctx, broad[0], name=dotted_name(broad[0]))

    VALID = (
        Valid(
            """
            try:
                charge(order)
            except Exception:
                logger.exception("charge failed")
            """
        ),
        Valid(
            """
            try:
                charge(order)
            except Exception as exc:
                logger.error("charge failed: %s", exc)
            """
        ),
        Valid(
            """
            try:
                charge(order)
            except Exception:
                log.error("charge failed", exc_info=True)
                return None
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
                charge(order)
            except BaseException:
                order.release()
                raise
            """
        ),
        Valid(
            """
            try:
                value = int(raw)
            except (ValueError, TypeError):
                value = 0
            """
        ),
        Valid(
            """
            try:
                wait()
            except KeyboardInterrupt:
                pass
            """
        ),
        Valid(
            """
            import sentry_sdk
            for job in jobs:
                try:
                    run(job)
                except Exception:
                    sentry_sdk.capture_exception()
                    continue
            """
        ),
        Valid(
            """
            try:
                run(job)
            except Exception as exc:
                job.last_error = repr(exc)
                job.save()
            """
        ),
        Valid(
            """
            from myapp.alerts import page_oncall
            try:
                run(job)
            except Exception:
                page_oncall("job failed")
            """,
            options={"extra-reporters": ["myapp.alerts.page_oncall"]},
        ),
        Valid(
            """
            try:
                run(job)
            except Exception:  # noqa: BLE001 - best effort, failure is harmless here
                pass
            """
        ),
        Valid(
            """
            try:
                run(job)
            except Exception:
                self._handle_failure(job)
            """
        ),
        Valid(
            """
            for closer in closers:
                try:
                    closer()
                except Exception:
                    # Closing is best effort: the response has been sent already.
                    pass
            """
        ),
        Valid(
            """
            def load(self):
                try:
                    data = self._cache.get(self.cache_key)
                # Some cache backends raise on invalid keys; start a fresh session then.
                except Exception:
                    data = None
                return data
            """
        ),
        Valid(
            """
            try:
                run(job)
            except Exception:
                self.stderr.write("job failed")
            """
        ),
        Valid(
            """
            import shutil

            class Workspace:
                def __del__(self):
                    try:
                        shutil.rmtree(self.path)
                    except Exception:
                        pass
            """
        ),
        Valid(
            """
            from django import template

            register = template.Library()

            @register.filter(is_safe=True)
            def kilobytes(value):
                try:
                    return "%.1f KB" % (float(value) / 1024)
                except Exception:
                    return ""
            """
        ),
        Valid(
            """
            def approximate_row_counts(cursor):
                \"\"\"Row counts from the optimizer's statistics. Returns {} on any failure.\"\"\"
                try:
                    return read_statistics(cursor)
                except Exception:
                    return {}
            """
        ),
        Valid(
            """
            def save(self, *args, **kwargs):
                super().save(*args, **kwargs)

                # Mirroring to the file is best effort: the database write already succeeded.
                if not self.mirrored:
                    return
                try:
                    mirror_to_file(self)
                except Exception:
                    pass
            """
        ),
        Valid(
            """
            try:
                submission.apply_pending_state(person=user)
            except Exception:
                submission.apply_pending_state(person=user, force=True)
            """
        ),
        Valid(
            """
            import logging

            class DropCancelled(logging.Filter):
                def filter(self, record):
                    try:
                        if is_cancellation(record.exc_info):
                            return False
                    except Exception:
                        pass
                    return True
            """
        ),
        Valid(
            """
            try:
                run(job)
            finally:
                try:
                    release_lock(job)
                except Exception:
                    pass
            """
        ),
        Valid(
            """
            import os
            import signal
            import sys

            def on_terminate(signum, frame):
                try:
                    os.write(sys.stderr.fileno(), b"interrupted\\n")
                except Exception:
                    pass
                os._exit(1)

            signal.signal(signal.SIGTERM, on_terminate)
            """
        ),
        Valid(
            """
            try:
                self.process.kill()
            except Exception:
                pass
            """
        ),
        Valid(
            """
            import json

            def anonymised(self):
                try:
                    return json.loads(self.anonymised_data)
                except Exception:
                    return {}
            """
        ),
        Valid(
            """
            try:
                page = int(request.GET.get("page"))
            except Exception:
                page = 1
            """
        ),
        Valid(
            """
            try:
                arguments = load_arguments(self.arguments)
            except Exception:
                arguments = {"error": _("Badly formatted arguments")}
            """
        ),
        Valid(
            """
            try:
                blob_client._config.max_single_get_size = 1024
            except Exception:
                pass
            """
        ),
        Valid(
            """
            def collect_versions():
                result = {}
                try:
                    import label_sdk

                    result["label-sdk"] = {"version": label_sdk.__version__}
                except Exception:
                    pass
                return result
            """
        ),
        Valid(
            """
            from typing import get_type_hints

            try:
                return_hint = get_type_hints(method).get("return")
            except Exception:
                return_hint = None
            """
        ),
        Valid(
            """
            try:
                arguments = yaml_load(stream=self.instance.arguments or "{}")
            except Exception:
                arguments = {}
            """
        ),
        Valid(
            """
            def normalize_domain(candidate):
                try:
                    parsed = urlparse(candidate)
                    if parsed.port:
                        return f"{parsed.hostname}_{parsed.port}"
                    return parsed.hostname or ""
                except Exception:
                    return ""
            """
        ),
        Valid(
            """
            def tail(self, lines=50):
                try:
                    content = self.stdout_file.read_text()
                    for line in content.splitlines()[-lines:]:
                        yield line
                except Exception:
                    return
            """
        ),
        Valid(
            """
            def working_tmp_dir(candidates):
                for candidate in candidates:
                    try:
                        create_dir(candidate)
                    except Exception:
                        pass
                    if check_tmp_dir(candidate):
                        return candidate
                return None
            """
        ),
        Valid(
            """
            def standby_components(owner):
                try:
                    names = list(active_components())
                except Exception:
                    names = []
                if not names and owner is not None:
                    names = components_of(owner)
                return names
            """
        ),
        Valid(
            """
            def is_running(self):
                try:
                    if self.proc.status() == "zombie":
                        return False
                except Exception:
                    pass
                return self.proc.is_running()
            """
        ),
        Valid(
            """
            import json

            class Encoder(json.JSONEncoder):
                def default(self, o):
                    try:
                        return list(o)
                    except Exception:
                        pass
                    try:
                        return str(o)
                    except Exception:
                        pass
                    return super().default(o)
            """
        ),
        Valid(
            """
            def load_img(image):
                from PIL import Image

                try:
                    img = Image.open(image)
                except Exception:
                    return None
                return img.convert("RGB")
            """
        ),
        Valid(
            """
            import subprocess

            def git_commit():
                commit = None
                try:
                    commit = subprocess.check_output(["git", "rev-parse", "HEAD"]).strip()
                except Exception:
                    pass
                return commit
            """
        ),
        Valid(
            """
            import subprocess

            def run_tool(name, *args):
                return subprocess.run([name, *args], capture_output=True, text=True, check=True)

            def os_release():
                release = "unknown"
                try:
                    release = run_tool("lsb_release", "-ds").stdout.strip()
                except Exception:
                    pass
                return release
            """
        ),
        Valid(
            """
            import re

            def packaged_commit():
                try:
                    commit = (PACKAGE_DIR / "COMMIT_SHA").read_text().strip()
                    if re.fullmatch(r"[0-9a-f]{40}", commit):
                        return commit
                except Exception:
                    pass
                return None
            """
        ),
        Valid(
            """
            try:
                value = runtime_config.get(key)
            except Exception:
                value = None
            """
        ),
        Valid(
            """
            try:
                tmp_dir = find_working_tmp_dir(config) or config.TMP_DIR
            except Exception:
                tmp_dir = config.TMP_DIR
            """
        ),
        Valid(
            """
            try:
                normalized = Path(abspath).expanduser().resolve(strict=False)
            except Exception:
                normalized = abspath
            """
        ),
        Valid(
            """
            try:
                totals = crawl.snapshots.aggregate(count=Count("id"))
                snapshot_count = totals["count"]
            except Exception:
                snapshot_count = crawl.snapshots.count()
            """
        ),
        Valid(
            """
            def clean_options(content):
                try:
                    options = json.loads(content)
                    return [LazyI18nString(option) for option in options]
                except Exception:
                    options = content.split("\\n")
                    return [option.strip() for option in options if option.strip()]
            """
        ),
        Valid(
            """
            for row in rows:
                try:
                    import_row(row)
                    stats["imported"] += 1
                except Exception:
                    stats["errors_encountered"] += 1
            """
        ),
        Valid(
            """
            import json
            import socket
            import urllib.request

            def get_public_ip():
                def fetch_url(url):
                    with urllib.request.urlopen(url, timeout=5) as response:
                        return response.read().decode("utf-8").strip()

                methods = [
                    (lambda: fetch_url("https://api.ipify.org"), lambda r: json.loads(r)["ip"]),
                    (lambda: socket.gethostbyname("myip.opendns.com"), lambda r: r),
                ]
                for fetch, parse in methods:
                    try:
                        result = parse(fetch())
                        if result:
                            return result
                    except Exception:
                        continue
                return "127.0.0.1"

            def get_local_ip(remote_ip="1.1.1.1", remote_port=80):
                try:
                    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                        s.connect((remote_ip, remote_port))
                        return s.getsockname()[0]
                except Exception:
                    pass
                return "127.0.0.1"

            def get_host_stats():
                import psutil

                try:
                    memory = psutil.virtual_memory()
                    return {"load": psutil.getloadavg(), "used_gb": round(memory.used / 1024**3, 3)}
                except Exception:
                    return {}
            """
        ),
        Valid(
            """
            def database_exists():
                \"\"\"True if the configured database is reachable and has been migrated.\"\"\"
                try:
                    with connect() as conn:
                        return bool(conn.execute("SELECT 1 FROM django_migrations").fetchone())
                except Exception:
                    return False
            """
        ),
        Valid(
            """
            from django.core.cache import cache

            def permission_version():
                try:
                    version = int(cache.get(version_key()))
                except Exception:
                    version = 1
                return version
            """
        ),
        Valid(
            """
            def version(config):
                try:
                    remote = get_data_locations(config).DATA_DIR.is_mount
                except Exception:
                    remote = False
                print(f"FS_REMOTE={remote}")
            """
        ),
        Valid(
            """
            from django.http import FileResponse, Http404

            class SocialMediaCard:
                def get(self, request):
                    try:
                        image = self.get_image()
                        if image:
                            return FileResponse(image)
                    except Exception:
                        pass
                    if request.event.logo:
                        return FileResponse(request.event.logo)
                    raise Http404()
            """
        ),
        Valid(
            """
            def working_tmp_dir(candidates):
                found = None
                for candidate in candidates:
                    try:
                        if found is None and candidate.exists() and dir_is_writable(candidate):
                            found = candidate
                    except Exception:
                        pass
                if found is None:
                    raise OSError("no writable tmp dir")
                return found

            def first_usable(paths):
                for path in paths:
                    try:
                        if os.path.isdir(path) and has_free_space(path, 1024):
                            return path
                    except Exception:
                        continue
                return None
            """
        ),
        Valid(
            """
            from django.utils.functional import cached_property

            from .utils.pil_exif import get_exif_for_file

            class Image:
                @cached_property
                def exif(self):
                    try:
                        return get_exif_for_file(self.file)
                    except Exception:
                        return {}
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            try:
                sync_inventory(order)
            except Exception:
                pass
            """,
            line=3,
            column=8,
            message="`except Exception` swallows every error silently; log it, re-raise, "
            "or catch the specific exceptions you expect",
        ),
        Invalid(
            """
            for item in items:
                try:
                    update(item)
                except (KeyError, Exception):
                    continue
            """,
            line=4,
            column=23,
        ),
        Invalid(
            """
            def is_available(sku):
                try:
                    return inventory.check(sku)
                except BaseException:
                    return False
            """,
            line=4,
        ),
        Invalid(
            """
            try:
                primary()
            except Exception:
                try:
                    fallback()
                except Exception:
                    logger.exception("fallback failed too")
            """,
            line=3,
        ),
        Invalid(
            """
            try:
                run(job)
            except Exception:
                def on_error():
                    raise
                schedule(on_error)
            """,
            line=3,
        ),
        Invalid(
            """
            try:
                run(job)
            except Exception:
                page_oncall("job failed")
            """,
            line=3,
        ),
        Invalid(
            """
            try:
                run(job)
            except Exception:  # TODO: handle this properly
                pass
            """,
            line=3,
        ),
        Invalid(
            """
            # Run the job.
            try:
                run(job)
            except Exception:
                result = "# not a comment"
            """,
            line=4,
        ),
        Invalid(
            """
            # Reconcile before any save can mirror stale settings over the file.
            try:
                sync_settings(machine)
            except Exception:
                pass
            """,
            line=4,
        ),
        Invalid(
            """
            def search(queryset, query):
                try:
                    return full_text(queryset, query)
                except Exception:
                    if backend_configured():
                        return queryset.none()
                    return full_text(queryset, query, mode="meta")
            """,
            line=4,
        ),
        Invalid(
            """
            try:
                version = int(fetch_version(key))
            except Exception:
                version = 1
            """,
            line=3,
        ),
        Invalid(
            """
            try:
                default = getattr(job_class, key)
            except Exception:
                default = "unknown"
            """,
            line=3,
        ),
        Invalid(
            """
            try:
                detect_mimetype(document)
            except Exception:
                document.mimetype = ""
            finally:
                document.save()
            """,
            line=3,
        ),
        Invalid(
            """
            def request_body(request):
                \"\"\"Return the raw body of the request.\"\"\"
                try:
                    return request.body
                except Exception:
                    return None
            """,
            line=5,
        ),
        Invalid(
            """
            class Job:
                def restart(self):
                    try:
                        self._worker.state = "idle"
                    except Exception:
                        pass
            """,
            line=5,
        ),
        Invalid(
            """
            try:
                from myapp.config import sync_settings

                sync_settings(machine)
            except Exception:
                pass
            """,
            line=5,
        ),
        Invalid(
            """
            try:
                rows = parse_and_import(request.body)
            except Exception:
                rows = []
            """,
            line=3,
        ),
        Invalid(
            """
            import json

            for dist in distributions():
                try:
                    url_info = json.loads(dist.read_text("direct_url.json") or "{}")
                    if url_info.get("dir_info", {}).get("editable", False):
                        continue
                except Exception:
                    pass
            """,
            line=8,
        ),
        Invalid(
            """
            for order in orders:
                try:
                    charge(order)
                except Exception:
                    pass
                if order.is_paid:
                    notify(order)
            """,
            line=4,
        ),
        Invalid(
            """
            def event_profile(self, event):
                try:
                    profile = self.profiles.get(event=event)
                except Exception:
                    profile = None
                if profile is None:
                    profile = SpeakerProfile.objects.create(event=event, user=self)
                return profile
            """,
            line=4,
        ),
        Invalid(
            """
            def public_ip():
                try:
                    return fetch_ip("https://api.ipify.org")
                except Exception:
                    pass
                return "127.0.0.1"
            """,
            line=4,
        ),
        Invalid(
            """
            def get_any(request, pk):
                try:
                    if (found := lookup(pk)) is not None:
                        return found
                except Exception:
                    pass
                raise Http404
            """,
            line=5,
        ),
        Invalid(
            """
            import subprocess

            try:
                subprocess.run(["systemctl", "restart", "worker"], check=True)
            except Exception:
                pass
            """,
            line=5,
        ),
        Invalid(
            """
            import subprocess

            try:
                output = subprocess.check_output(["convert", upload.path, thumbnail_path])
            except Exception:
                output = b""
            """,
            line=5,
        ),
        Invalid(
            """
            for asset in assets:
                try:
                    with asset.file.storage.open(asset.file.name) as file_object:
                        digest = chunk_hash(file_object)
                except Exception:
                    continue
            """,
            line=5,
        ),
        Invalid(
            """
            try:
                with open(path) as rows:
                    import_rows(rows)
            except Exception:
                pass
            """,
            line=4,
        ),
        Invalid(
            """
            try:
                html = bleach.clean(text)
            except Exception:
                html = text
            """,
            line=3,
        ),
        Invalid(
            """
            try:
                order = Order.objects.get(Q(pk=pk) | Q(code=pk))
            except Exception:
                order = None
            """,
            line=3,
        ),
        Invalid(
            """
            try:
                visible = queryset.filter(owner=request.user)
            except Exception:
                visible = queryset
            """,
            line=3,
        ),
        Invalid(
            """
            from decimal import Decimal

            def discount(order):
                try:
                    return compute_discount(order)
                except Exception:
                    return Decimal("0")
            """,
            line=6,
        ),
        Invalid(
            """
            try:
                profile = user.profiles.get(event=event)
            except Exception:
                profile = SpeakerProfile.objects.create(event=event, user=user)
            """,
            line=3,
        ),
        Invalid(
            """
            def search(queryset, query):
                try:
                    return full_text(queryset, query)
                except Exception:
                    return queryset.none()
            """,
            line=4,
        ),
        Invalid(
            """
            for row in rows:
                try:
                    import_row(row)
                except Exception:
                    stats["skipped"] += 1
            """,
            line=4,
        ),
        Invalid(
            """
            import urllib.request

            def ping(hook):
                try:
                    urllib.request.urlopen(hook.url)
                except Exception:
                    pass
            """,
            line=6,
        ),
        Invalid(
            """
            import socket

            def push(payload):
                try:
                    with socket.create_connection(("metrics", 2003)) as s:
                        s.sendall(payload)
                except Exception:
                    pass
            """,
            line=7,
        ),
        Invalid(
            """
            import psutil

            def record(machine):
                try:
                    store_load(machine, psutil.getloadavg())
                except Exception:
                    pass
            """,
            line=6,
        ),
        Invalid(
            """
            def database_ready():
                \"\"\"Check the database.\"\"\"
                try:
                    return migrations_applied(connect())
                except Exception:
                    return False
            """,
            line=5,
        ),
        Invalid(
            """
            def import_products(request):
                created = 0
                for row in rows_of(request):
                    try:
                        Product.objects.create(sku=row["sku"], name=row["name"])
                        created += 1
                    except Exception:
                        continue
                return JsonResponse({"created": created})
            """,
            line=7,
        ),
        Invalid(
            """
            def sync_all(items):
                done = 0
                for item in items:
                    try:
                        sync(item)
                        done += 1
                    except Exception:
                        pass
                return items
            """,
            line=7,
        ),
        Invalid(
            """
            def version(config):
                try:
                    remote = get_data_locations(config).DATA_DIR.is_mount
                except Exception:
                    remote = False
                print(f"FS_REMOTE={remote}")
                config.REMOTE = remote
            """,
            line=4,
        ),
        Invalid(
            """
            from django.http import Http404

            class Card:
                def get(self, request):
                    try:
                        image = self.get_image()
                        if image:
                            return image
                    except Exception:
                        pass
                    if request.allow_empty:
                        return None
                    raise Http404()
            """,
            line=9,
        ),
        Invalid(
            """
            def first_paid(orders):
                paid = None
                for order in orders:
                    try:
                        if paid is None and is_payable(order) and charge(order):
                            paid = order
                    except Exception:
                        pass
                return paid
            """,
            line=7,
        ),
        Invalid(
            """
            def reserve_dir(candidates):
                for candidate in candidates:
                    try:
                        if candidate.exists():
                            candidate.mkdir(parents=True)
                            return candidate
                    except Exception:
                        continue
            """,
            line=7,
        ),
        Invalid(
            """
            def pick(rows):
                for row in rows:
                    try:
                        if row_is_valid(row):
                            chosen = row
                    except Exception:
                        chosen = None
                return chosen
            """,
            line=6,
        ),
        Invalid(
            """
            from .validation import strip_exif

            def clean_upload(upload):
                try:
                    strip_exif(upload.name, upload.file)
                except Exception:
                    pass
            """,
            line=6,
        ),
    )
