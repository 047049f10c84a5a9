"""The project the README's pytest examples run in (tests/test_readme.py, in one pytester session).

The README's examples name an app with ``Book``/``Author`` and ``book_author_names`` (the
queries examples: ``queries_project``'s ``app``), a JSON API under ``/api/`` that answers errors
with envelopes (``envelope_django_views``), and a ``shop`` with an FX rate service, a report, and
a quote view that calls ``http://quotes.internal/v1/`` with a fallback to a cache. ``FILES``
holds that project, and the harness tests whose failures are outputs the README shows.

Nothing leaves the machine: ``quotes.internal`` resolves to a stub API on 127.0.0.1, other names
do not resolve, connections go to loopback only (``faults_helpers.offline``), and the session
runs with ``--block-network``.
"""

from __future__ import annotations

from tests.pytest_plugin import queries_project

VIEWS = "tests.pytest_plugin.envelope_django_views"
LEAKY_URLS = "tests.pytest_plugin.envelope_django_urls_leaky"

SETTINGS = f"""
SECRET_KEY = "errguard-readme-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "app",
    "shop",
]
MIDDLEWARE = ["{VIEWS}.RequestIdMiddleware"]
ROOT_URLCONF = "urls"
DATABASES = {{
    "default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    "replica": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LOGGING = {{  # no tracebacks of the 500s the Hypothesis example provokes
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {{"django.request": {{"level": "CRITICAL"}}}},
}}
REST_FRAMEWORK = {{
    "EXCEPTION_HANDLER": "{VIEWS}.drf_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}}
"""

URLS = f"""
from django.urls import include, path

from shop import views
from shop.quotes.views import quote
from {VIEWS} import handler404, handler500  # noqa: F401

urlpatterns = [
    path("api/checkout/", views.checkout),
    path("api/quotes/<str:symbol>", quote),
    path("api/", include("tests.pytest_plugin.envelope_django_urls_covered")),
]
"""

# An API whose error for POST /api/orders/ breaks the envelope three ways at once.
BROKEN_URLS = """
from django.http import JsonResponse
from django.urls import path


def create_order(request):
    body = {
        "status": "error",
        "code": "RESOURCE_MISSING",
        "message": "The order could not be created.",
        "details": {"sql": 'SELECT "shop_customer"."id" FROM "shop_customer" WHERE "shop_customer"."email" = %s'},
        "request_id": request.request_id,
        "timestamp": "2024-01-01T10:00:00",
    }
    return JsonResponse(body, status=400)


urlpatterns = [path("api/orders/", create_order)]
"""

SHOP_MODELS = """
from django.db import models


class Order(models.Model):
    status = models.CharField(max_length=20, default="new")
"""

SHOP_REPORTS = """
from dataclasses import dataclass

from django.db import OperationalError

from shop.models import Order


@dataclass
class Report:
    rows: list


def build_report(attempts=2):
    for attempt in range(attempts):
        try:
            return Report(list(Order.objects.values_list("status", flat=True)))
        except OperationalError:  # a lost connection: try again
            if attempt == attempts - 1:
                raise
"""

SHOP_FX = """
RATES = {"EUR": 1.08}


def current_rate(currency):
    \"\"\"The live rate (a call to the FX provider in production).\"\"\"
    return RATES[currency]
"""

SHOP_VIEWS = """
from django.http import JsonResponse

from shop import fx

CACHED_RATES = {"EUR": 1.07}


def checkout(request):
    currency = request.POST["currency"]
    for _attempt in range(3):
        try:
            return JsonResponse({"rate": fx.current_rate(currency), "rate_source": "live"})
        except TimeoutError:
            continue
    return JsonResponse({"rate": CACHED_RATES[currency], "rate_source": "cached"})
"""

QUOTES_CACHE = """
LAST_KNOWN = {"ACME": 41.5}


def read(symbol):
    \"\"\"The last known price (Redis in production, which can fail too).\"\"\"
    return LAST_KNOWN.get(symbol)
"""

# The broken fallback the README's Hypothesis example finds: the cache read is not guarded.
QUOTES_VIEWS = f"""
import requests
from django.http import JsonResponse
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shop.quotes import cache
from {VIEWS} import envelope

API = "http://quotes.internal/v1/"
RETRY = Retry(total=2, status_forcelist=[500, 502, 503, 504], allowed_methods=None,
              backoff_factor=0, raise_on_status=False)


def live_price(symbol):
    with requests.Session() as session:  # no pooled connection from before a fault
        session.mount("http://", HTTPAdapter(max_retries=RETRY))
        response = session.get(API + symbol, timeout=2)
    response.raise_for_status()
    return float(response.json()["price"])


def quote(request, symbol):
    try:
        price = live_price(symbol)
    except (requests.RequestException, ValueError, KeyError, TypeError):
        price = cache.read(symbol)
        if price is None:
            return envelope(request, 502, "INTEGRATION_QUOTES_DOWN", "No quote available.")
    return JsonResponse({{"symbol": symbol, "price": price}})
"""

CONFTEST = (
    queries_project.CONFTEST
    + """

import contextlib
import socket

from hypothesis import Phase, settings

from tests.pytest_plugin.faults_helpers import CountingServer, offline

_UNDO = contextlib.ExitStack()
# Hypothesis's explain phase re-runs the failing example under a tracer for notes the README
# does not show, which takes seconds; the shrunk example is reported without it.
settings.register_profile("readme", phases=[p for p in Phase if p is not Phase.explain])
settings.load_profile("readme")


# quotes.internal is a stub API on 127.0.0.1; no other name resolves, nothing connects beyond
# loopback. Set up before any test, beneath the hooks errguard installs for each test phase.
def pytest_configure(config):
    _UNDO.enter_context(offline())
    server = _UNDO.enter_context(CountingServer())
    resolve = socket.getaddrinfo

    def stub_dns(host, port, *args, **kwargs):
        if host == "quotes.internal":
            return resolve("127.0.0.1", server.port, *args, **kwargs)
        return resolve(host, port, *args, **kwargs)

    socket.getaddrinfo = stub_dns
    _UNDO.callback(setattr, socket, "getaddrinfo", resolve)


def pytest_unconfigure(config):
    _UNDO.close()
"""
)

# --block-network: the examples reach nothing beyond loopback (and the README shows its report);
# --nplusone=fail: the README shows that failure; --faults-seed: the same fault plans every run.
PYTEST_INI = """
[pytest]
DJANGO_SETTINGS_MODULE = settings
pythonpath = .
addopts = -p no:cacheprovider -p no:randomly --block-network --nplusone=fail --faults-seed=0
"""

# Harness tests producing the outputs the README shows without showing the test.
# Appended to the README's queries example (which imports book_author_names): no budget, so
# the runtime N+1 detector (--nplusone=fail) fails it.
NPLUSONE_TEST = """


def test_author_names(catalogue):
    book_author_names()
"""

ENVELOPE_FAILURE_TEST = """
import pytest

from errguard.testing import assert_error_envelope


@pytest.mark.urls("broken_urls")
def test_envelope_failure(client):
    assert_error_envelope(client.post("/api/orders/", {"sku": "A1"}), status=400)
"""

SWEEP_CONFTEST = f"""
import pytest


@pytest.fixture(autouse=True)
def project_without_error_handlers(settings):
    settings.ROOT_URLCONF = "{LEAKY_URLS}"
"""

BLOCKED_TEST = """
import requests


def test_sync_orders():
    requests.get("http://api.example.com/v1/orders?page=2", timeout=2)
"""

FILES = {
    "pytest.ini": PYTEST_INI,
    "settings.py": SETTINGS,
    "urls.py": URLS,
    "broken_urls.py": BROKEN_URLS,
    "conftest.py": CONFTEST,
    "app/__init__.py": "",
    "app/models.py": queries_project.MODELS,
    "app/reports.py": queries_project.REPORTS,
    "shop/__init__.py": "",
    "shop/models.py": SHOP_MODELS,
    "shop/reports.py": SHOP_REPORTS,
    "shop/fx.py": SHOP_FX,
    "shop/views.py": SHOP_VIEWS,
    "shop/quotes/__init__.py": "",
    "shop/quotes/cache.py": QUOTES_CACHE,
    "shop/quotes/views.py": QUOTES_VIEWS,
    "tests/test_envelope_failure.py": ENVELOPE_FAILURE_TEST,
    "tests/test_orders.py": BLOCKED_TEST,
    "tests/sweep/conftest.py": SWEEP_CONFTEST,
}
