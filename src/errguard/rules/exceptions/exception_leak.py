from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import cast

from errguard.astutil import (
    SCOPE_NODES,
    collect_imports,
    dotted_name,
    last_part,
    qualified_name,
)
from errguard.detect.context import FileContext
from errguard.models import Invalid, Valid
from errguard.project.modules import import_root
from errguard.registry import Function, FunctionRule
from errguard.rules.exceptions._leaks import (
    LeakTracker,
    handled_exception,
    is_user_facing,
    registered_handlers,
)
from errguard.rules.exceptions._operators import operator_only_functions
from errguard.rules.exceptions._own_messages import FunctionLookup, function_lookup

# Calls whose arguments end up in an HTTP response body, by qualified name or module prefix.
_SINK_PREFIXES = (
    "django.http.",
    "rest_framework.exceptions.",
    "starlette.responses.",
    "fastapi.responses.",
)
_SINK_NAMES = frozenset(
    {
        "rest_framework.response.Response",
        "flask.jsonify",
        "flask.make_response",
        "flask.Response",
        "flask.abort",
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)
# Names that are unambiguous even when the import cannot be seen (star imports, re-exports).
_UNRESOLVED_SINKS = frozenset(
    {"JsonResponse", "HttpResponse", "HttpResponseBadRequest", "HttpResponseServerError", "jsonify"}
)
# For these only the argument that becomes the client-visible text is a sink.
_DETAIL_ARGUMENT = {"HTTPException": ("detail", 1), "abort": ("description", 1)}


def sink_name(call: ast.Call, imports: Mapping[str, str]) -> str | None:
    name = qualified_name(call.func, imports)
    if name is None:
        return None
    if name in _SINK_NAMES:
        return name
    if name.startswith(_SINK_PREFIXES):
        if name.startswith("django.http.") and "Response" not in last_part(name):
            return None
        return name
    head = name.split(".", 1)[0]
    if head not in imports and name in _UNRESOLVED_SINKS:
        return name
    return None


def sink_arguments(call: ast.Call, imports: Mapping[str, str]) -> list[ast.expr] | None:
    """The arguments of ``call`` that reach the client, or None when it is not a sink."""
    name = sink_name(call, imports)
    if name is None:
        return None
    detail = _DETAIL_ARGUMENT.get(last_part(name))
    if detail is None:
        return [*call.args, *(keyword.value for keyword in call.keywords)]
    keyword_name, position = detail
    chosen = [call.args[position]] if len(call.args) > position else []
    return chosen + [keyword.value for keyword in call.keywords if keyword.arg == keyword_name]


class ExceptionLeak(FunctionRule):
    """Exception text sent to the client.

    ## What it does
    Flags exception text placed into an HTTP response: `str(e)`, `repr(e)`, `e.args`, an
    f-string or `%`/`format` of `e`, the text of the exception it wraps (`e.orig`,
    `e.__cause__`), or `traceback.format_exc()`, passed (directly or through a local variable)
    to Django's `JsonResponse`/`HttpResponse*`, DRF's `Response` and exceptions,
    Starlette/FastAPI responses and `HTTPException(detail=...)`, or Flask's
    `jsonify`/`make_response`/`abort`. The exception is the one an `except` clause binds, or
    the one a framework's exception handler receives: `@app.exception_handler(E)` (FastAPI,
    Starlette), `@app.errorhandler(E)` (Flask; not for a status code, whose HTTP exception
    speaks to clients), handlers registered with `add_exception_handler()`,
    `register_error_handler()` or `exception_handlers={E: handler}`, Django middleware's
    `process_exception()`, or the one `sys.exc_info()` returns to a helper that builds the
    error response (`_, error, _ = sys.exc_info()` in a `handler500` view).

    Details shown only in debug mode (`if settings.DEBUG:`, `... if settings.DEBUG else ...`,
    code after `if not settings.DEBUG: return`, a dict filled under `if settings.DEBUG:`) are
    not flagged: that is Django's own convention for developer-only output. Neither is the
    error of a `try` that only converts or parses input (`int(request.GET["page"])`,
    `IPAddress(request.GET["ip"])`, a `parse_*`/`cast_*` function, or, for a `ValueError`, a
    `validate*` one): its text describes the client's own value; nor the `FieldError` of a
    lookup built from a dict (`queryset.get(**lookup)`), which names the lookup's unknown key;
    nor errors raised in a DRF parser's `parse()` (a class deriving from a `...Parser`), which
    describe the request body as DRF's own `JSONParser` reports them; nor a handler around a
    project function, or a method of a project class (inherited from a base class in its
    module, or reaching the raise through `cls.`/`self.`), that raises the caught class only
    with a written message (`raise Exception(_("There must be one owner"))`,
    `raise ImproperlyConfigured(_("Invalid parser %s") % path)`). Handlers for
    exceptions whose text is written for users are not flagged either: Django's and DRF's
    `ValidationError` (any class with `ValidationError` in its name), errors about malformed
    text (`*SyntaxError`, `*FormatError`, `*ParseError`, `*DecodeError`, such as a template's
    `TemplateSyntaxError`, and pypdf's `PdfReadError` about an uploaded document),
    `PermissionDenied`, `Http404`, DRF's `APIException` family, `HTTPException`,
    `JSONDecodeError`, `DoesNotExist` and django-mptt's `InvalidMove` (a refused tree move,
    with translated messages), and the
    project's own exception classes (defined in the module or elsewhere in the project), whose
    messages the project wrote, usually for its users (`raise CartFull("Your cart is full")`),
    also when an `isinstance(exc, CartFull)` test narrows a broader handler to them.
    User-facing attributes (`e.messages`, `e.message_dict`, `e.detail`) are never flagged.

    Nor are views only the installation's operators reach, who read its logs anyway: methods
    of a class deriving from an administrator- or superuser-only mixin
    (`AdministratorPermissionRequiredMixin`, `SuperuserRequiredMixin`), functions behind such
    a decorator (`superuser_required`, `user_passes_test(lambda u: u.is_superuser)`), and views
    behind a decorator of their module that admits only the client addresses a setting lists
    (`request.META.get("REMOTE_ADDR") not in settings.ARCHIVER_FROM`, a mail server's
    archiver hook). A restriction that also lets staff in (`u.is_staff or u.is_superuser`,
    `StaffOrSuperuserRequiredMixin`) is still reported: staff are the project's users.

    ## Why is this bad?
    Exception messages are written for developers. They carry SQL fragments and table names
    (`IntegrityError`), file paths, hostnames and ports of internal services (`ConnectionError`),
    configuration values, and sometimes secrets embedded in URLs. Returning them tells an
    attacker how the system is built, and gives users a message they cannot act on.

    ## Example
    ```python
    def create_order(request):
        try:
            order = place_order(request.user, request.POST)
        except Exception as e:
            return JsonResponse({"error": str(e)}, status=500)
    ```

    ## Use instead
    Log the exception with its traceback and send a generic message in the project's error
    envelope, with an id that links the response to the log entry:
    ```python
    def create_order(request):
        try:
            order = place_order(request.user, request.POST)
        except Exception:
            logger.exception("order creation failed")
            return JsonResponse(
                {"status": "error", "code": "SYSTEM_ERROR", "message": "Order not created."},
                status=500,
            )
    ```

    ## Fix safety
    There is no automatic fix: the right generic message and error code are the project's call.
    """

    code = "EG404"
    # Every sink's name (or its module's) contains one of these.
    triggers = (b"Response", b"jsonify", b"HTTPException", b"abort", b"rest_framework")
    message = "exception text `{leak}` is sent to the client in {sink}()"
    help = "log the exception and return a generic error message instead"

    def check_function(self, function: Function, ctx: FileContext) -> None:
        if id(function) in _body_parsers(ctx):
            return  # errors of parsing the request body describe what the client sent
        if id(function) in _operator_only(ctx):
            return  # administrators and superusers run the server: nothing is disclosed
        handled = handled_exception(function, _registered(ctx))
        traceback_text = _mentions_traceback(ctx)
        if handled is None and not traceback_text and not ctx.mentions(function, (b"except",)):
            return  # no exception in reach: nothing to leak
        imports = _function_imports(function, ctx.imports)
        tracker = LeakTracker(
            imports,
            lambda call: sink_arguments(call, imports),
            in_project=ctx.defined_in_project,
            traceback_text=traceback_text,
            project_function=_project_functions(ctx),
        )
        exceptions: frozenset[str] = frozenset()
        if handled is not None:
            parameter, handled_type = handled
            if not is_user_facing(handled_type, imports, ctx.defined_in_project):
                exceptions = frozenset({parameter.arg})
        for call, leak in tracker.sinks_with_leaks(function.body, exceptions):
            sink = last_part(sink_name(call, imports))
            self.report(ctx, leak, leak=_short_source(leak), sink=sink)

    VALID = (
        Valid(
            """
            import traceback
            from django.conf import settings
            from django.http import JsonResponse

            class ApiErrors:
                def process_exception(self, request, exception):
                    if isinstance(exception, CartFull):  # the project's own, written for users
                        return JsonResponse({"error": str(exception)}, status=409)
                    payload = {"error": "internal error"}
                    if settings.DEBUG:
                        payload["debug"] = repr(exception)
                    return JsonResponse(payload, status=500)

            class DebugTracebacks:
                def process_exception(self, request, exception):
                    if not settings.DEBUG:
                        return None
                    return JsonResponse({"traceback": traceback.format_exception(exception)})

            def page(request):
                try:
                    number = int(request.GET.get("page", 1))
                except ValueError as exc:  # about the client's own input
                    return JsonResponse({"error": f"bad page: {exc}"}, status=400)
                return JsonResponse({"page": number})

            class CartFull(Exception):
                pass
            """
        ),
        Valid(
            """
            from flask import Flask, jsonify

            app = Flask(__name__)

            @app.errorhandler(404)
            def not_found(error):
                # A werkzeug HTTPException: its text is written for clients.
                return jsonify(error=str(error)), 404

            @app.errorhandler(Exception)
            def crashed(error):
                app.logger.exception("unhandled")
                return jsonify(error="internal error"), 500
            """
        ),
        Valid(
            """
            from django.http import JsonResponse

            def view(request):
                try:
                    do_work()
                except Exception:
                    logger.exception("work failed")
                    return JsonResponse({"error": "internal error"}, status=500)
            """
        ),
        Valid(
            """
            from django.core.exceptions import ValidationError
            from django.http import JsonResponse

            def view(request):
                try:
                    form_clean(request.POST)
                except ValidationError as e:
                    return JsonResponse({"errors": e.messages}, status=400)
            """
        ),
        Valid(
            """
            from rest_framework import serializers
            from rest_framework.response import Response

            def view(request):
                try:
                    serializer.is_valid(raise_exception=True)
                except serializers.ValidationError as exc:
                    return Response({"detail": str(exc)}, status=400)
            """
        ),
        Valid(
            """
            from django.http import JsonResponse

            def view(request):
                try:
                    do_work()
                except Exception as e:
                    logger.error("failed: %s", e)
                    return JsonResponse({"error": type(e).__name__, "code": e.code}, status=500)
            """
        ),
        Valid(
            """
            from django.http import JsonResponse

            def view(request):
                try:
                    do_work()
                except Exception as e:
                    message = str(e)
                    logger.error(message)
                message = "Something went wrong"
                return JsonResponse({"error": message}, status=500)
            """
        ),
        Valid(
            """
            from django.http import HttpResponseBadRequest
            from shop.errors import CartFull

            class QuotaExceeded(Exception):
                pass

            def add_item(request):
                try:
                    add_to_cart(request)
                except (CartFull, QuotaExceeded) as exc:
                    return HttpResponseBadRequest(str(exc))
            """,
            files={"shop/__init__.py": "", "shop/errors.py": "class CartFull(Exception): ...\n"},
        ),
        Valid(
            """
            from myproject.responses import Response

            def view(request):
                try:
                    do_work()
                except Exception as e:
                    return Response({"error": str(e)})
            """
        ),
        Valid(
            """
            from django.http import JsonResponse

            def view(request):
                try:
                    do_work()
                except Exception as e:
                    return JsonResponse({"error": "failed", "length": len(str(e))}, status=500)
            """
        ),
        Valid(
            """
            import traceback
            from django.conf import settings
            from django.http import HttpResponseServerError, JsonResponse

            def view(request):
                try:
                    do_work()
                except Exception as exc:
                    if settings.DEBUG:
                        return JsonResponse({"error": repr(exc)}, status=500)
                    return HttpResponseServerError(
                        traceback.format_exc() if settings.DEBUG else "Internal Server Error"
                    )
            """
        ),
        Valid(
            """
            import netaddr
            from django.core.exceptions import FieldError
            from django.template import Template, TemplateSyntaxError
            from django.utils.translation import gettext as _
            from rest_framework.exceptions import ValidationError
            from rest_framework.response import Response
            from sdk.errors import SdkValidationErrorIgnored

            def address(request):
                try:
                    ip = netaddr.IPAddress(request.query_params.get("ip"))
                except (netaddr.AddrFormatError, ValueError) as e:
                    return Response({"detail": f"bad address: {e}"}, status=400)
                return Response({"ip": str(ip)})

            def flag(params, key):
                try:
                    return bool(int(cast_bool_from_str(params[key])))
                except Exception as e:  # the try only converts the value
                    raise ValidationError({key: str(e)})

            def related(queryset, lookup):
                try:
                    return queryset.get(**lookup)
                except FieldError as e:  # names the client's unknown key
                    raise ValidationError(e)

            def preview(request):
                try:
                    return Response({"html": Template(request.data["template"]).render()})
                except TemplateSyntaxError as e:
                    raise ValidationError({"template": [str(e)]})

            def check(config):
                try:
                    check_tags(config)
                except SdkValidationErrorIgnored as e:
                    raise ValidationError(str(e))

            def remove_owner(team):
                try:
                    team.delete()
                    check_owners(team.organiser)
                except Exception as e:  # for the message written below
                    raise ValidationError(str(e))

            def check_owners(organiser):
                if not organiser.teams.filter(is_owner=True).exists():
                    raise Exception(_("There must be at least one owner team."))
            """
        ),
        Valid(
            """
            import csv
            import io
            from django.core.exceptions import ImproperlyConfigured
            from django.utils.translation import gettext_lazy as _
            from rest_framework.exceptions import ParseError, ValidationError
            from rest_framework.parsers import BaseParser

            class CSVParser(BaseParser):
                media_type = "text/csv"

                def parse(self, stream, media_type=None, parser_context=None):
                    try:
                        return list(csv.DictReader(io.StringIO(stream.read().decode())))
                    except Exception as exc:  # about the body the client sent
                        raise ParseError(str(exc)) from exc

            class Registry:
                classes = {}

                @classmethod
                def get_class(cls, path):
                    if path not in cls.classes:
                        raise ImproperlyConfigured(_("Invalid parser `%s`") % path)
                    return cls.classes[path]

                @classmethod
                def render(cls, model, text):
                    cls.for_model(model)
                    return text

                @classmethod
                def for_model(cls, model):
                    if model not in cls.classes:
                        raise KeyError(_(message="No template for %s") % model)

            class ParserRegistry(Registry):  # get_class is inherited
                pass

            def validate_parser(path):
                try:
                    ParserRegistry.get_class(path)
                except ImproperlyConfigured as exc:  # the message written above
                    raise ValidationError({"parser": exc})

            def preview(model, text):
                try:
                    return Registry.render(model, text)
                except KeyError as exc:  # raised by for_model() with a written message
                    raise ValidationError([str(exc)])
            """
        ),
        Valid(
            """
            from functools import wraps
            from django.conf import settings
            from django.contrib.auth.decorators import user_passes_test
            from django.http import HttpResponse, JsonResponse
            from django.views import View
            from mptt.exceptions import InvalidMove
            from pypdf import PdfReader
            from pypdf.errors import PdfReadError
            from rest_framework.exceptions import ValidationError
            from shop.permissions import AdministratorPermissionRequiredMixin

            class LogDetailView(AdministratorPermissionRequiredMixin, View):
                def get(self, request):
                    try:
                        text = repr(load_entry(request).content_object)
                    except Exception as e:  # shown to system administrators only
                        text = "Error: " + str(e)
                    return JsonResponse({"object": text})

            @user_passes_test(lambda u: u.is_active and u.is_superuser)
            def diagnostics(request):
                try:
                    run_checks()
                except Exception as e:
                    return JsonResponse({"error": str(e)})

            def archiver_only(view):
                @wraps(view)
                def wrapper(request, *args, **kwargs):
                    if request.META.get("REMOTE_ADDR") not in settings.ARCHIVER_FROM:
                        return HttpResponse(status=403)
                    return view(request, *args, **kwargs)
                return wrapper

            @archiver_only
            def archive(request):
                try:
                    store(request.POST["list"])
                except ValueError as e:  # answered to the mail server the settings list
                    return HttpResponse(str(e), status=400)

            def move(serializer, instance, data):
                try:
                    return serializer.update(instance, data)
                except InvalidMove as exception:  # "A node may not be made a child of itself."
                    raise ValidationError(detail=exception)

            def background(request):
                try:
                    PdfReader(request.FILES["background"])
                except PdfReadError as e:  # about the PDF the client uploaded
                    return JsonResponse({"error": f"Unable to process this PDF file ({e})."})
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            import platform
            import sys
            from django.http import JsonResponse

            def server_error(request, *args, **kwargs):  # handler500
                type_, error, _traceback = sys.exc_info()
                data = {"error": str(error), "python": platform.python_version()}
                return JsonResponse(data, status=500)
            """,
            line=8,
            message="exception text `data` is sent to the client in JsonResponse(); log the "
            "exception and return a generic error message instead",
        ),
        Invalid(
            """
            from django.db import DataError
            from django.http import HttpResponse
            from rest_framework.exceptions import ParseError

            class Importer:  # not a DRF parser: its parse() is not about a request body
                def parse(self, stream):
                    try:
                        return load(stream.read())
                    except Exception as exc:
                        raise ParseError(str(exc)) from exc

            def archive(request):
                name = request.POST["list"]
                try:
                    store(name)
                except ValueError as e:  # store() also passes a database error's text on
                    return HttpResponse(str(e), status=400)

            def store(name):
                if not name:
                    raise ValueError("No list name")
                try:
                    save_list(name)
                except DataError as e:
                    raise ValueError(str(e))
            """,
            count=2,
        ),
        Invalid(
            """
            from starlette.applications import Starlette
            from starlette.responses import JSONResponse

            async def on_error(request, exc):
                return JSONResponse({"error": "internal", "detail": repr(exc)}, status_code=500)

            app = Starlette(exception_handlers={Exception: on_error})
            """,
            line=5,
            column=57,
        ),
        Invalid(
            """
            from fastapi import FastAPI, Request
            from fastapi.responses import JSONResponse
            from sqlalchemy.exc import IntegrityError

            app = FastAPI()

            @app.exception_handler(IntegrityError)
            async def conflict(request: Request, exc: IntegrityError):
                return JSONResponse(status_code=409, content={"detail": str(exc.orig)})
            """,
            line=9,
            column=61,
        ),
        Invalid(
            """
            from django.http import JsonResponse

            class JsonErrors:
                def process_exception(self, request, exception):
                    return JsonResponse({"error": repr(exception)}, status=500)
            """,
            line=5,
            column=39,
        ),
        Invalid(
            """
            from django.http import JsonResponse

            def create_order(request):
                try:
                    place_order(request)
                except Exception as e:
                    return JsonResponse({"error": str(e)}, status=500)
            """,
            line=7,
            column=39,
            message="exception text `str(e)` is sent to the client in JsonResponse(); log the "
            "exception and return a generic error message instead",
        ),
        Invalid(
            """
            import traceback
            from django import http

            def export(request):
                try:
                    build_export()
                except:
                    return http.HttpResponseServerError(traceback.format_exc())
            """,
            line=8,
        ),
        Invalid(
            """
            from rest_framework.response import Response

            class OrderView(APIView):
                def post(self, request):
                    try:
                        charge(request.data)
                    except (ConnectionError, TimeoutError) as exc:
                        error = f"gateway failed: {exc}"
                    else:
                        error = None
                    if error:
                        return Response({"detail": error}, status=502)
            """,
            line=12,
        ),
        Invalid(
            """
            from fastapi import HTTPException

            async def fetch(item_id):
                try:
                    return await repo.get(item_id)
                except KeyError as err:
                    raise HTTPException(status_code=404, detail=err.args[0])
            """,
            line=7,
        ),
        Invalid(
            """
            from flask import jsonify

            def upload():
                try:
                    store(request.files["f"])
                except OSError as e:
                    payload = {"ok": False}
                    payload["error"] = "upload failed: %s" % e
                    return jsonify(payload), 500
            """,
            line=9,
        ),
        Invalid(
            """
            from django.conf import settings
            from django.http import JsonResponse

            def view(request):
                try:
                    do_work()
                except Exception as exc:
                    if not settings.DEBUG:
                        return JsonResponse({"error": repr(exc)}, status=500)
            """,
            line=9,
        ),
        Invalid(
            """
            from rest_framework.exceptions import ValidationError

            def parse_amount(raw):
                try:
                    return Decimal(raw)
                except (ArithmeticError, ValueError) as e:
                    raise ValidationError(repr(e))
            """,
            line=7,
        ),
        Invalid(
            """
            from rest_framework.exceptions import ValidationError

            def create_storage(instance):
                try:
                    instance.validate_connection()  # a network call, not a conversion
                except Exception as exc:
                    raise ValidationError(exc)
            """,
            line=7,
        ),
        Invalid(
            """
            from django.http import JsonResponse

            def order(request):
                try:
                    found = Order.objects.get(pk=int(request.GET["id"]))
                except Exception as e:  # the database read may fail for any reason
                    return JsonResponse({"error": str(e)}, status=500)
                return JsonResponse({"id": found.pk})
            """,
            line=7,
        ),
        Invalid(
            """
            from rest_framework.exceptions import ValidationError

            def sync(team):
                try:
                    push(team)
                except Exception as e:
                    raise ValidationError(str(e))

            def push(team):
                try:
                    send(team)
                except OSError as err:
                    raise Exception(f"push failed: {err}")
            """,
            line=7,
        ),
        Invalid(
            """
            from django.contrib.auth.decorators import user_passes_test
            from django.http import JsonResponse

            @user_passes_test(lambda u: u.is_staff or u.is_superuser)
            def diagnostics(request):
                try:
                    run_checks()
                except Exception as e:
                    return JsonResponse({"error": str(e)})
            """,
            line=9,
        ),
        Invalid(
            """
            from django.http import JsonResponse
            from django.views import View
            from shop.permissions import StaffOrSuperuserRequiredMixin

            class Report(StaffOrSuperuserRequiredMixin, View):
                def get(self, request):
                    try:
                        return JsonResponse({"rows": build_report()})
                    except Exception as e:
                        return JsonResponse({"error": str(e)}, status=500)
            """,
            line=10,
        ),
    )


def _registered(ctx: FileContext) -> dict[str, tuple[int, ast.expr]]:
    """The module's handlers registered without a decorator (computed once per file)."""
    found = ctx.cache.get("EG404:registered")
    if not isinstance(found, dict):
        registering = b"exception_handler" in ctx.source.data or b"error_handler" in ctx.source.data
        found = registered_handlers(ctx.tree) if registering else {}
        ctx.cache["EG404:registered"] = found
    return found


def _body_parsers(ctx: FileContext) -> frozenset[int]:
    """The ``parse()`` methods of DRF parser classes in the file (``class CSVParser(BaseParser)``).

    A parser turns the request body into data; DRF's own ``JSONParser`` reports what went
    wrong as ``ParseError("JSON parse error - %s" % exc)``, so the text is about the body the
    client sent (computed once per file)."""
    found = ctx.cache.get("EG404:parsers")
    if not isinstance(found, frozenset) and b"Parser" not in ctx.source.data:
        found = ctx.cache["EG404:parsers"] = frozenset()
    if not isinstance(found, frozenset):
        found = frozenset(
            id(member)
            for node in ast.walk(ctx.tree)
            if isinstance(node, ast.ClassDef)
            and any(last_part(dotted_name(base)).endswith("Parser") for base in node.bases)
            for member in node.body
            if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef))
            and member.name == "parse"
        )
        ctx.cache["EG404:parsers"] = found
    return found


def _operator_only(ctx: FileContext) -> frozenset[int]:
    """Views only administrators, superusers or listed addresses reach (once per file)."""
    found = ctx.cache.get("EG404:operators")
    if not isinstance(found, frozenset):
        data = ctx.source.data.lower()
        mentioned = any(word in data for word in (b"superuser", b"administrator", b"remote_addr"))
        found = operator_only_functions(ctx.tree) if mentioned else frozenset()
        ctx.cache["EG404:operators"] = found
    return found


def _function_imports(
    function: ast.FunctionDef | ast.AsyncFunctionDef, module_imports: Mapping[str, str]
) -> Mapping[str, str]:
    """Module imports plus imports made inside the function itself (common in views)."""
    local = collect_imports(stmt for stmt in function.body if not isinstance(stmt, SCOPE_NODES))
    return {**module_imports, **local} if local else module_imports


def _project_functions(ctx: FileContext) -> FunctionLookup:
    """Looks up the functions a file defines or imports from the project (once per file)."""
    lookup = ctx.cache.get("EG404:functions")
    if lookup is None:
        root = import_root(ctx.source.path, ctx.project.src)
        lookup = ctx.cache["EG404:functions"] = function_lookup(ctx.tree, ctx.imports, root)
    return cast(FunctionLookup, lookup)


def _mentions_traceback(ctx: FileContext) -> bool:
    cached = ctx.cache.get("eg404-traceback")
    if cached is None:
        data = ctx.source.data
        cached = ctx.cache["eg404-traceback"] = b"format_exc" in data or b"exc_info" in data
    return bool(cached)


def _short_source(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."
