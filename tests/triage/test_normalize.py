"""Messages normalised: the volatile parts become placeholders, the rest is kept."""

from __future__ import annotations

import pytest

from errguard.triage.normalize import MAX_LENGTH, MessageNormalizer

NORMALIZER = MessageNormalizer("/srv/ci/build/shop", ["/srv/ci/build/shop/.tmp"])


@pytest.mark.parametrize(
    ("message", "normalized"),
    [
        ("Order 42 has 3 items", "Order <N> has <N> items"),
        ("total 12.50 != -3e5", "total <N> != <N>"),
        ("<Book object at 0x7f3a2b9c0d10>", "<Book object at <HEX>>"),
        ("no order 3f2504e0-4f89-11d3-9a0c-0305e82c3301", "no order <UUID>"),
        ("token 3f2504e04f8911d39a0c0305e82c3301 expired", "token <UUID> expired"),
        ("expired at 2026-12-07T10:11:12.123+02:00", "expired at <TIME>"),
        ("expired at 2026-12-07 10:11", "expired at <TIME>"),
        ("ran at 10:11:12", "ran at <TIME>"),
        ("KeyError: 'pear'", "KeyError: <STR>"),
        ('no such table: "shop_book"', "no such table: <STR>"),
        ("can't parse 'x'", "can't parse <STR>"),
        ("read /tmp/pytest-of-ci/pytest-7/test_a0/data.json", "read <TMP>"),
        ("read /srv/ci/build/shop/.tmp/test_a0/x, twice", "read <TMP>, twice"),
        (
            "missing /srv/ci/build/shop/shop/fixtures/books.json",
            "missing <ROOT>/shop/fixtures/books.json",
        ),
        ("host 10.0.0.7:5432 is down", "host <N>:<N> is down"),
        (
            "cannot import name 'x' from 'json' (/opt/py/lib/python3.11/json/__init__.py)",
            "cannot import name <STR> from <STR> (<PATH>)",
        ),
        (r"no C:\Users\ci\AppData\cache.db here", "no <PATH> here"),
        (
            "GET http://api.example.com/v1/orders failed",
            "GET http://api.example.com/v1/orders failed",
        ),
        ("ratio 3/4 and a/b stay", "ratio <N>/<N> and a/b stay"),
        ("app_book2 and v2 keep their digits", "app_book2 and v2 keep their digits"),
        ("N+1 queries: 2 patterns in Django 5.2", "N+1 queries: <N> patterns in Django <N>"),
        ("\n\n  first line  \nsecond line 2", "first line"),
        ("", ""),
    ],
)
def test_volatile_parts_become_placeholders(message, normalized):
    assert NORMALIZER.normalize(message) == normalized


def test_a_directory_is_a_whole_path_component():
    assert NORMALIZER.normalize("in /tmpfiles/x") == "in <PATH>"  # not <TMP>


def test_long_messages_are_cut():
    assert len(NORMALIZER.normalize("x" * 1000)) == MAX_LENGTH
