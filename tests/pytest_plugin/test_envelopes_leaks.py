"""The leak scan: each kind of leak is found, and ordinary messages (hard negatives) are not."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errguard.envelopes.leaks import LeakPolicy, find_leaks, leak_problems

FOUND = {
    "traceback": [
        'Traceback (most recent call last):\n  File "x.py", line 1, in <module>',
        'error at File "/srv/app/shop/views.py", line 42, in pay',
        'File "<string>", line 1',
    ],
    "source-path": [
        "failed in /srv/app/shop/views.py",
        "/usr/lib/python3.11/site-packages/django/db/backends/utils.py:89",
        r"C:\Users\dev\shop\views.py",
        "(/home/app/settings.pyc)",
    ],
    "sql": [
        'SELECT "shop_order"."id", "shop_order"."status" FROM "shop_order" WHERE "shop_order"."id" = 3',
        "select * from users",
        "SELECT id, email FROM users WHERE email = 'a@b.c'",
        "SELECT count(*) FROM orders",
        "select o.id from orders o join customers c on c.id = o.customer_id",
        "SELECT id FROM orders ORDER BY created",
        "INSERT INTO shop_order (customer_id, status) VALUES (1, 'new')",
        "insert into audit values (1, 2)",
        "INSERT INTO archive (id) SELECT id FROM orders",
        "UPDATE shop_order SET status = 'paid' WHERE id = 3",
        'DELETE FROM "shop_order" WHERE "shop_order"."id" IN (3)',
        "delete from orders where id = 3",
        "DELETE FROM shop.orders",
        "SELECT id FROM users WHERE deleted_at IS NULL",
        "select id from users where id in (1, 2)",
        "SELECT id FROM users WHERE name LIKE '%ann%'",
    ],
    "exception-repr": [
        "ZeroDivisionError('division by zero')",
        'KeyError("email")',
        "OSError(2, 'No such file or directory')",
        "django.core.exceptions.ValidationError(['Enter a valid email.'])",
        "Order.DoesNotExist('Order matching query does not exist.')",
        "TimeoutError()",
        "ConnectionError(<urllib3.connection.HTTPConnection object at 0x7f>)",
        "[ErrorDetail(string='This field is required.', code='required')]",
        "RuntimeWarning(-1)",
        "StopIteration()",
        "MultipleObjectsReturned('get() returned more than one Order')",
    ],
    "secret": [
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "key rk_test_51HfQ2aLkdIwHu7ix",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig4",
        "bearer abcdefghijklmnop1234",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow",
        "-----BEGIN PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "postgres://shop:s3cret@db.internal:5432/shop",
        "redis://:p4ss@cache:6379/0",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a" * 36,
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstu",
    ],
}

# Hard negatives: each resembles a leak of some kind, none is one.
NOT_FOUND = [
    "Order 12 not found",
    "Email is required",
    "This field is required.",
    "Please select one from the list.",
    "Select a size from the options below.",
    "Select one from below where applicable.",
    "Insert into the cart (max 5 items).",
    "Update your profile settings.",
    "Cannot delete from cart where items are reserved.",
    "Delete from the list first.",
    "Please delete from cart.",
    "Select one from orders where email is required.",
    "Select one from orders where the item is in stock.",
    "Traceback is not available.",
    "File 'report.csv' is too large.",
    'File "report.csv", page 3',
    "Upload failed: setup.py is not allowed.",
    "See https://docs.example.com/guide/errors.py and http://x.test/a/b.py",
    "shop/views.py",
    "~/notes.py",
    "ValidationError (see details)",
    "One or more Error(s) occurred.",
    "HTTPError(s) while calling the gateway",
    "Raise MyError('x') is how",  # has a repr: a positive control kept out of this list below
    "Bearer token is missing.",
    "Use the header 'Authorization: Bearer <token>'.",
    "The bearer of this card",
    "pk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_live_",
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----",
    "https://user@example.com/path",
    "http://example.com:8080/path@v2",
    "postgres://shop:****@db.internal/shop",
    "postgres://shop:${DB_PASSWORD}@db.internal/shop",
    "AKIA is a prefix",
    "ghp_short",
    "The timestamp 2024-01-01T10:00:00Z is in the past.",
]
NOT_FOUND.remove("Raise MyError('x') is how")


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in FOUND.items() for text in texts]
)
def test_each_kind_of_leak_is_found(kind, text):
    assert {leak.kind for leak in find_leaks(text)} == {kind}


@pytest.mark.parametrize("text", NOT_FOUND)
def test_hard_negatives_are_not_leaks(text):
    assert find_leaks(text) == []


def test_a_traceback_is_one_leak_not_also_a_path_and_a_repr():
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/shop/views.py", line 42, in pay\n'
        "    1 / 0\n"
        "ZeroDivisionError: division by zero"
    )
    assert {leak.kind for leak in find_leaks(text)} == {"traceback"}


def test_secrets_are_redacted_for_display():
    [key] = find_leaks("sk_live_4eC39HqLyjWDarjtT1zdp7dc")
    assert key.shown == "sk_live_4eC3…"
    [url] = find_leaks("postgres://shop:s3cret@db.internal:5432/shop")
    assert url.shown == "postgres://shop:****@db.internal"
    [private] = find_leaks("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE")
    assert private.shown == "-----BEGIN EC PRIVATE KEY-----"


ENVELOPE = {
    "message": "Payment failed: KeyError('card')",
    "code": "SYSTEM_FAILED",
    "details": {
        "sql": "SELECT * FROM payments",
        "items": [{"path": "/srv/app/pay.py"}, {"ok": "fine"}],
        "token": "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    },
}


def test_leak_problems_name_the_field_path():
    assert [
        str(problem) for problem in leak_problems(ENVELOPE, ("message", "details"), LeakPolicy())
    ] == [
        "message \"KeyError('card')\" leaks an exception repr",
        "details.sql 'SELECT * FROM payments' leaks an SQL statement",
        "details.items[0].path '/srv/app/pay.py' leaks a source file path",
        "details.token 'sk_test_4eC3…' leaks a secret (API key)",
    ]


def test_only_the_named_fields_are_scanned():
    envelope = {"code": "SELECT * FROM x", "message": "ok"}
    assert leak_problems(envelope, ("message", "details"), LeakPolicy()) == []
    assert len(leak_problems(envelope, None, LeakPolicy())) == 1


def test_the_allow_list_by_text_field_and_kind():
    fields = ("message", "details")
    by_text = LeakPolicy(allow=(re.compile(r"^sk_test_"), re.compile("payments")))
    by_field = LeakPolicy(allow_fields=("details.items[[]*", "message"))
    by_kind = LeakPolicy(allow_kinds=frozenset({"secret", "sql", "source-path"}))
    assert [p.subject for p in leak_problems(ENVELOPE, fields, by_text)] == [
        "message",
        "details.items[0].path",
    ]
    assert [p.subject for p in leak_problems(ENVELOPE, fields, by_field)] == [
        "details.sql",
        "details.token",
    ]
    assert [p.subject for p in leak_problems(ENVELOPE, fields, by_kind)] == ["message"]


WORDS = st.sampled_from(
    [
        *("order", "orders", "not", "found", "select", "from", "where", "the", "list", "a"),
        *("one", "is", "in", "required", "update", "set", "insert", "into", "delete", "by"),
        *("email", "field", "please", "your", "profile", "cart", "item", "12", "3", "to"),
        *("and", "of", "with", "value", "values", "error", "file", "line", "bearer", "token"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12))
def test_sentences_of_plain_words_are_never_leaks(words):
    assert find_leaks(" ".join(words).capitalize() + ".") == []


ADVERSARIAL = {
    "dotted": "a." * 20_000,
    "columns": "select " + "a, " * 20_000,
    "table": "select a from " + "b." * 20_000,
    "urls": "x://a:" * 10_000,
    "reprs": 'ValueError("' * 10_000,
    "paths": "/a." * 20_000,
}


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("dotted", []),
        ("columns", []),
        ("table", ["sql"]),
        ("urls", []),
        ("reprs", ["exception-repr"] * 5_000),
        ("paths", []),
    ],
)
def test_adversarial_input_is_scanned_and_judged(name, kinds):
    # How the time grows with such input (linearly, not quadratically) is measured by
    # bench/bench_leak_scan.py; a test asserts what the scan makes of it, not how fast.
    assert [leak.kind for leak in find_leaks(ADVERSARIAL[name])] == kinds
