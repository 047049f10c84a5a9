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
        # A traceback inside a JSON-encoded string (an upstream's body passed on as text).
        '{"error": "Traceback (most recent call last):\\n  File \\"/srv/app/views.py\\", line 4"}',
        '{\\"trace\\": \\"  File \\\\\\"/srv/app/views.py\\\\\\", line 4, in pay\\"}',
    ],
    "source-path": [
        "failed in /srv/app/shop/views.py",
        "/usr/lib/python3.11/site-packages/django/db/backends/utils.py:89",
        r"C:\Users\dev\shop\views.py",
        "(/home/app/settings.pyc)",
        r"C:\Program Files\Shop App\shop\views.py",
        r"failed in D:\My Projects\shop\settings.py, line 3",
        r"\\fileserver\deploy\shop\views.py",
        r"\\?\C:\app\shop\views.py",
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
        'duplicate key value violates unique constraint "shop_order_number_key"',
        "UNIQUE constraint failed: shop_order.number",
        "NOT NULL constraint failed: shop_order.customer_id",
        'null value in column "customer_id" of relation "shop_order" violates not-null constraint',
        'insert or update on table "shop_line" violates foreign key constraint "shop_line_fk"',
        "Duplicate entry 'A-17' for key 'shop_order.number'",
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
        "ZeroDivisionError: division by zero",
        "Payment failed: KeyError: 'card'",
        "django.db.utils.OperationalError: could not connect to server",
        "shop.models.Order.DoesNotExist: Order matching query does not exist.",
        "IntegrityError: UNIQUE constraint failed: shop_order.number",
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
        "postgres://shop:pa/ss@db.internal/shop",
        "postgres://shop:p@ss@db.internal/shop",
        "token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiJ9.hR5oYq1dQ0bX9lQ2x3P4",
        "django-insecure-k#9w!v@3z$q^1x&8m*u(2r)e-5t_7y=+0a4b6c8d0e2f4g6h8",
        "SECRET_KEY = 'n0t-so-s3cret-k3y-but-long-enough'",
        '{"SECRET_KEY": "n0t-so-s3cret-k3y-but-long-enough"}',
        "Authorization: Basic c2hvcDpzM2NyZXQ=",
        "sent Basic c2hvcDpzM2NyZXQ= upstream",
        "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        '"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "AIzaSyA-1234567890abcdefghijklmnopqrstu",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "host=db.internal user=shop password=s3cret dbname=shop",
        "GET /api/login?user=ann&password=s3cret&next=/",
        "Authorization: ApiKey abc123def456ghi",
        "key 0mdurem-^^!3dat#@w8+)b=*%pv8r_&th-vc-3^ncmb+*3cy78",  # get_random_secret_key()
        # A value under a credential's name, in JSON, JSON inside a string, or a repr.
        'upstream said {"password": "hunter2"}',
        '{\\"api_key\\": \\"AbC123xyz789\\"}',
        "{'secret_key': 'k3y-v4lue-123'}",
        '"clientSecret": "Zx8-qq_91"',
        '"x-api-key": "9f8e7d6c5b4a"',
        '{"access_token": "ya29.a0AfH6SMBx"}',
        "connect(host='db', user='shop', password='hunter2')",
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
    "Order 5f1c9a2e-7b4d-4c3e-9a1f-2b3c4d5e6f70 not found",
    "Request 5f1c9a2e7b4d4c3e9a1f2b3c4d5e6f70 failed; retry later.",
    "Error: the card was declined",
    "Warning: the quota is almost used up",
    "Note: payment pending",
    "Basic plan limits reached",
    "Basic information is missing.",
    "Token expired, please log in again.",
    "Your token is invalid.",
    "Password is too short.",
    "password=****",
    "Set a password=… in your settings",
    "The secret key is missing.",
    "SECRET_KEY is not set",
    "AIza is a prefix",
    "xoxb-short",
    "eyJ is how JSON starts in base64",
    "C:\\ is full",
    "Order number must be unique.",
    "A value in column total is too large.",
    "Duplicate entry for this order.",
    "See https://example.com:8443/docs/@scope/pkg for help",
    "http://example.com:8080/path/user@example.org",
    "sort=-created&page=2&filter=status%3Dpaid&limit=10&offset=20&q=abcdef",
    "Authorization: required",
    # Credentials' names with what an error says about the field, not its value.
    '{"password": "This field is required."}',
    '{"password": "too_short"}',
    '{"token": "INVALID_TOKEN"}',
    '{"api_key": "Expired"}',
    '{"password": "****"}',
    '{"secret": "[REDACTED]"}',
    '{"token": "<token>"}',
    '{"token_type": "Bearer2"}',
    '{"password_hint": "pet-name-42"}',
    '{"key": "order-1234"}',
    '{"password": "abc"}',
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
    assert key.shown == "sk_live_****"
    [url] = find_leaks("postgres://shop:s3cret@db.internal:5432/shop")
    assert url.shown == "postgres://shop:****@db.internal"
    [private] = find_leaks("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE")
    assert private.shown == "-----BEGIN EC PRIVATE KEY-----"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("postgres://shop:p@ss@db.internal/shop", "p@ss"),
        ("postgres://shop:pa/ss@db.internal/shop", "pa/ss"),
        ("Authorization: Basic c2hvcDpzM2NyZXQ=", "c2hvcDpzM2NyZXQ="),
        ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "9944b091"),
        ("Bearer abcdefghijklmnop1234", "abcdefghijklmnop1234"),
        ("ghp_" + "a" * 36, "a" * 36),
        ("AKIAIOSFODNN7EXAMPLE", "IOSFODNN7EXAMPLE"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.hR5oYq1dQ0bX9lQ2x3P4", "eyJhbGciOi"),
        ("host=db user=shop password=s3cret dbname=shop", "s3cret"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUt"),
        ('{"password": "hunter2"}', "hunter2"),
        ("connect(password='p@ss/w0rd')", "p@ss/w0rd"),
    ],
)
def test_no_part_of_a_secret_is_shown(text, secret):
    [leak] = find_leaks(text)
    assert leak.kind == "secret"
    assert not [
        secret[i : i + 3] for i in range(len(secret) - 2) if secret[i : i + 3] in leak.shown
    ]


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
        "details.token 'sk_test_****' leaks a secret (API key)",
    ]


def test_object_keys_are_scanned_and_a_secret_key_is_not_shown_in_paths():
    envelope = {
        "message": "Invalid input.",
        "details": {
            "SELECT * FROM payments": "bad",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc": {"note": "/srv/app/pay.py"},
        },
    }
    assert [str(problem) for problem in leak_problems(envelope, None, LeakPolicy())] == [
        "details (a key) 'SELECT * FROM payments' leaks an SQL statement",
        "details (a key) 'sk_live_****' leaks a secret (API key)",
        "details.sk_live_****.note '/srv/app/pay.py' leaks a source file path",
    ]


def test_a_value_under_a_credentials_name_is_a_secret_when_it_looks_like_one():
    envelope = {
        "message": "Login failed.",
        "details": {
            "password": "hunter2",
            "user": {"stripeApiKey": "AbC123xyz789", "db_password": "s3cr3t!"},
            "token": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "errors": {
                "password": ["This password is too short."],
                "token": "invalid",
                "secret": "required",
                "api_key": "This field may not be blank.",
            },
            "client_secret": "****",
            "refreshToken": "[REDACTED]",
            "password_policy": "min-8-chars",
        },
    }
    assert [str(problem) for problem in leak_problems(envelope, None, LeakPolicy())] == [
        "details.password '****' leaks a secret (credential by its name)",
        "details.user.stripeApiKey '****' leaks a secret (credential by its name)",
        "details.user.db_password '****' leaks a secret (credential by its name)",
        "details.token 'sk_live_****' leaks a secret (API key)",
    ]
    allowed = LeakPolicy(allow_fields=("details.password", "details.user.*"))
    assert [p.subject for p in leak_problems(envelope, None, allowed)] == ["details.token"]


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
    "windows": "C:\\" + "a b\\" * 20_000,
    "unc": "\\\\a" * 20_000,
    "url-passwords": "x://a:" + "@a:" * 20_000,
    "query-passwords": "password=a&" * 1_000,
    "basic": "Basic QUFB " * 10_000,
    "authorization": "Authorization: x" * 10_000,
    "jwts": "eyJaaaaaaaaa." * 3_000,
    "django-keys": "a!1" * 20_000,
    "exception-lines": "KeyError: " * 10_000,
    "tracebacks": "Traceback (most recent call last):" + "\n  a" * 20_000,
    "file-lines": 'File \\"a' * 10_000,
    "named-values": '"password": "a1' * 10_000,
    "named-names": '"' + "password" * 10_000 + '": "hunter2"',
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
        ("windows", []),
        ("unc", []),
        ("url-passwords", ["secret"]),  # one password: up to the last "@" a URL can hold
        ("query-passwords", ["secret"] * 1_000),
        ("basic", []),  # "QUFB" is base64 of "AAA", not of user:password
        ("authorization", []),
        ("jwts", ["secret"] * 1_000),  # every three segments starting eyJ
        ("django-keys", []),  # one run far longer than a key
        ("exception-lines", ["exception-repr"] * 1_000),  # each takes the next 80 characters
        ("tracebacks", ["traceback"]),
        ("file-lines", []),
        ("named-values", []),  # each value is "a1", closed by the next quote: too short
        ("named-names", []),  # a name longer than any, and no match starts inside a word
    ],
)
def test_adversarial_input_is_scanned_and_judged(name, kinds):
    # How the time grows with such input (linearly, not quadratically) is measured by
    # bench/bench_leak_scan.py; a test asserts what the scan makes of it, not how fast.
    assert [leak.kind for leak in find_leaks(ADVERSARIAL[name])] == kinds
