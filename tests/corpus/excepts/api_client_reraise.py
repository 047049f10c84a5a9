"""Thin client for the Acme billing API."""
import json
import logging
import time

import requests

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, message, status=None, payload=None):
        super().__init__(message)
        self.status = status
        self.payload = payload or {}


class ServiceUnavailable(ApiError):
    pass


class BillingClient:
    def __init__(self, base_url, token, timeout=10, retries=3):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer %s" % token

    def _request(self, method, path, **kwargs):
        url = self.base_url + path
        last_exc = None
        for attempt in range(1, self.retries + 1):
            try:
                resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_exc = exc
                time.sleep(2 ** attempt * 0.1)
                continue
            except requests.RequestException as exc:
                raise ApiError("request to %s failed" % path) from exc
            break
        else:
            raise ServiceUnavailable(
                "billing API unreachable after %d attempts" % self.retries
            ) from last_exc

        if resp.status_code >= 400:
            try:
                payload = resp.json()
            except ValueError:
                payload = {"raw": resp.text[:500]}
            raise ApiError(
                payload.get("message", resp.reason), status=resp.status_code, payload=payload
            )
        try:
            return resp.json()
        except json.JSONDecodeError as e:
            raise ApiError(f"invalid JSON from billing API: {e}") from e

    def create_invoice(self, customer_id, lines):
        try:
            return self._request(
                "POST", "/invoices", json={"customer": customer_id, "lines": lines}
            )
        except ApiError:
            raise
        except Exception as e:
            raise ApiError("unexpected error creating invoice") from e

    def close(self):
        try:
            self.session.close()
        except Exception:
            log.debug("error closing billing session", exc_info=True)
