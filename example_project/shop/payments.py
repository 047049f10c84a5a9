"""Charging orders through the external payment gateway, with retries, a timeout, a circuit
breaker and a fallback: a charge that cannot be made now is recorded as pending."""

import logging
import threading
import time

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shop.models import Payment

logger = logging.getLogger(__name__)


class GatewayUnavailable(Exception):
    """The gateway refused, failed or timed out, or the breaker is open."""


class CircuitBreaker:
    """Stop calling a failing gateway for ``reset_after`` seconds after ``threshold`` failures."""

    def __init__(self, threshold=3, reset_after=30.0, clock=time.monotonic):
        self.threshold = threshold
        self.reset_after = reset_after
        self.clock = clock
        self.failures = 0
        self.opened_at = None
        self._lock = threading.Lock()

    @property
    def is_open(self):
        with self._lock:
            if self.opened_at is None:
                return False
            if self.clock() - self.opened_at >= self.reset_after:
                self.opened_at = None  # half-open: let the next call try
                self.failures = self.threshold - 1
                return False
            return True

    def record_success(self):
        with self._lock:
            self.failures = 0
            self.opened_at = None

    def record_failure(self):
        with self._lock:
            self.failures += 1
            if self.failures >= self.threshold:
                self.opened_at = self.clock()


class PaymentGateway:
    def __init__(self, base_url, timeout, retries=2, breaker=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.breaker = breaker or CircuitBreaker()
        retry = Retry(
            total=retries,
            connect=retries,
            read=0,
            status=retries,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"POST"}),
            backoff_factor=0,
            raise_on_status=False,
        )
        self.session = requests.Session()
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def charge(self, order_id, amount_cents):
        if self.breaker.is_open:
            raise GatewayUnavailable("circuit breaker open")
        try:
            response = self.session.post(
                f"{self.base_url}/charges",
                json={"order": order_id, "amount_cents": amount_cents},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            self.breaker.record_failure()
            raise GatewayUnavailable("gateway unreachable") from exc
        if response.status_code >= 500:
            self.breaker.record_failure()
            raise GatewayUnavailable(f"gateway answered {response.status_code}")
        self.breaker.record_success()
        response.raise_for_status()
        return response.json()


_gateway = None


def gateway():
    global _gateway
    if _gateway is None:
        _gateway = PaymentGateway(
            settings.PAYMENT_GATEWAY_URL, timeout=settings.PAYMENT_TIMEOUT_SECONDS
        )
    return _gateway


def charge(order):
    """Charge an order; when the gateway cannot be reached, record the payment as pending."""
    amount = order.total_cents()
    try:
        body = gateway().charge(order.pk, amount)
    except GatewayUnavailable as exc:
        logger.warning("charging order %s deferred: %s", order.pk, exc)
        return Payment.objects.create(order=order, amount_cents=amount, status="pending")
    return Payment.objects.create(
        order=order, amount_cents=amount, status=body["status"], reference=body["reference"]
    )


def refund_quietly(payment):
    try:
        requests.post(
            f"{settings.PAYMENT_GATEWAY_URL}/refunds",
            json={"reference": payment.reference},
            timeout=settings.PAYMENT_TIMEOUT_SECONDS,
        )
    except BaseException:
        pass
