"""A small service for the fault-plan example: live quotes from an external HTTP API with
retries (urllib3's ``Retry``), a circuit breaker, and a fallback to the last known quote.

``handle()`` plays the web framework: an unexpected exception becomes a 500 with a traceback,
which is exactly what the property test says must never happen.
"""

from __future__ import annotations

import time
import traceback

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

KNOWN_QUOTES: dict[str, float] = {"ACME": 41.5}


class IntegrationError(Exception):
    """The quotes API failed, after retries, or the circuit is open."""


class CircuitOpen(IntegrationError):
    pass


def cached_quote(symbol):
    """The fallback's store (in production: Redis, which can fail too)."""
    return KNOWN_QUOTES.get(symbol)


class CircuitBreaker:
    def __init__(self, failure_threshold=2, reset_after=30.0):
        self.failure_threshold = failure_threshold
        self.reset_after = reset_after
        self.failures = 0
        self.opened_at = None

    def call(self, operation):
        if self.opened_at is not None:
            if time.monotonic() - self.opened_at < self.reset_after:
                raise CircuitOpen("quotes circuit is open")
            self.opened_at = None
        try:
            result = operation()
        except IntegrationError:
            self.failures += 1
            if self.failures >= self.failure_threshold:
                self.opened_at = time.monotonic()
            raise
        self.failures = 0
        return result


class QuotesClient:
    def __init__(self, base_url, timeout=0.5):
        self.base_url = base_url
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False
        retry = Retry(
            total=2,
            status_forcelist=(500, 502, 503, 504),
            backoff_factor=0,
            raise_on_status=False,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    def quote(self, symbol):
        try:
            response = self.session.get(f"{self.base_url}/quotes/{symbol}", timeout=self.timeout)
            response.raise_for_status()
            price = response.json()["price"]
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            raise IntegrationError(f"quotes API: {error}") from error
        if not isinstance(price, (int, float)):
            raise IntegrationError(f"quotes API: bad price {price!r}")
        return float(price)


class QuoteService:
    def __init__(self, client, breaker, *, broken_fallback=False):
        self.client = client
        self.breaker = breaker
        self.broken_fallback = broken_fallback

    def price(self, symbol):
        try:
            price = self.breaker.call(lambda: self.client.quote(symbol))
        except IntegrationError:
            return self._fallback(symbol)
        return 200, {"symbol": symbol, "price": price, "source": "live"}

    def _fallback(self, symbol):
        if self.broken_fallback:  # the bug: trusts the cache to answer
            return 200, {"symbol": symbol, "price": cached_quote(symbol), "source": "cache"}
        try:
            price = cached_quote(symbol)
        except (ConnectionError, TimeoutError):
            price = None
        if price is None:
            return 502, {
                "error": {
                    "code": "INTEGRATION_QUOTES_UNAVAILABLE",
                    "message": "Quotes are unavailable; try again later.",
                }
            }
        return 200, {"symbol": symbol, "price": price, "source": "cache"}


def handle(service, symbol):
    try:
        return service.price(symbol)
    except Exception:
        return 500, {"traceback": traceback.format_exc()}
