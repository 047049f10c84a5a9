import json
from unittest import mock

import pytest
import requests
from django.urls import reverse

from payments.client import ApiError
from payments.utils import parse_amount

pytestmark = pytest.mark.django_db


def raise_wrapped():
    try:
        int("x")
    except ValueError as e:
        raise ApiError("bad value") from e


def test_charge_upstream_failure_returns_generic_message(client):
    err = requests.ConnectionError("connection refused to 10.0.0.5:5432")
    with mock.patch("payments.views.gateway.charge", side_effect=err):
        resp = client.post(reverse("charge"), {"amount": "10.00"})
    assert resp.status_code == 502
    assert str(err) not in resp.content.decode()
    assert resp.json() == {"error": "Payment provider unavailable"}


def test_api_error_chains_cause():
    with pytest.raises(ApiError) as excinfo:
        raise_wrapped()
    assert isinstance(excinfo.value.__cause__, ValueError)


def test_parse_amount_rejects_garbage():
    with pytest.raises(Exception):
        parse_amount(None)
    with pytest.raises(ValueError, match="invalid amount"):
        parse_amount("12,,5")


def test_bad_json_is_rejected(client):
    resp = client.post(reverse("charge"), data="{not json", content_type="application/json")
    assert resp.status_code == 400
    body = json.loads(resp.content)
    assert "error" in body


@pytest.mark.parametrize("raw", ["1", "1.50", "0.01"])
def test_parse_amount_accepts(raw):
    try:
        parse_amount(raw)
    except Exception as exc:
        pytest.fail(f"parse_amount({raw!r}) raised {exc!r}")
