"""URL patterns and the HTTP framing errguard's peer relies on."""

from __future__ import annotations

import re

import pytest

from errguard.faults.matching import Endpoint, endpoint_of, parse_pattern, request_url
from errguard.faults.relay import ResponseHeadRewriter
from errguard.faults.wire import parse_request_head


def test_string_patterns_are_normalised_prefixes():
    pattern = parse_pattern("HTTP://API.Example.com:80/v1/Orders?page=2")

    assert pattern.endpoint == Endpoint("api.example.com", 80)
    assert pattern.prefix == "http://api.example.com/v1/Orders?page=2"
    assert pattern.matches("http://api.example.com/v1/Orders?page=2&size=10")
    assert not pattern.matches("http://api.example.com/v1/orders?page=2")
    assert not pattern.is_origin


@pytest.mark.parametrize(
    ("url", "endpoint", "origin"),
    [
        ("https://pay.test", Endpoint("pay.test", 443), "https://pay.test/"),
        ("http://pay.test:8080/", Endpoint("pay.test", 8080), "http://pay.test:8080/"),
        ("http://[::1]:9000", Endpoint("::1", 9000), "http://[::1]:9000/"),
        ("http://user:secret@10.0.0.1", Endpoint("10.0.0.1", 80), "http://10.0.0.1/"),
    ],
)
def test_origins(url, endpoint, origin):
    pattern = parse_pattern(url)

    assert pattern.is_origin
    assert pattern.origin_at(endpoint) == origin
    assert pattern.origin_at(Endpoint(endpoint.host, endpoint.port + 1)) is None


def test_a_regex_may_target_any_endpoint_and_tries_both_schemes_at_connect_time():
    pattern = parse_pattern(re.compile(r"https://pay\.test(:\d+)?/"))

    assert pattern.may_target(Endpoint("other.test", 80))
    assert pattern.origin_at(Endpoint("pay.test", 443)) == "https://pay.test/"
    assert pattern.origin_at(Endpoint("pay.test", 8443)) == "https://pay.test:8443/"
    assert pattern.origin_at(Endpoint("shop.test", 443)) is None


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("Example.COM", 80, Endpoint("example.com", 80)),
        (b"xn--bcher-kva.test", "443", Endpoint("bücher.test", 443)),
        ("::ffff:127.0.0.1", 5000, Endpoint("127.0.0.1", 5000)),
        ("0:0:0:0:0:0:0:1", 5000, Endpoint("::1", 5000)),
        ("example.com", "http", None),
        (None, 80, None),
    ],
)
def test_endpoints_of_socket_calls(host, port, expected):
    assert endpoint_of(host, port) == expected


def test_request_urls():
    endpoint = Endpoint("127.0.0.1", 8000)

    assert request_url(endpoint, "/a?b=1") == "http://127.0.0.1:8000/a?b=1"
    assert request_url(endpoint, "http://proxied.test/x") == "http://proxied.test/x"


def test_request_heads_keep_their_headers_and_ask_the_server_to_close():
    head = parse_request_head(
        b"POST /charge HTTP/1.1\r\nHost: pay.test\r\nConnection: keep-alive\r\n"
        b"Keep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n"
    )

    assert head is not None
    assert head.header("content-length") == "2"
    assert head.closing() == (
        b"POST /charge HTTP/1.1\r\nHost: pay.test\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
    )
    assert parse_request_head(b"\x16\x03\x01\x02\x00\r\n\r\n") is None


def test_response_heads_are_rewritten_across_reads_and_after_an_interim_response():
    rewriter = ResponseHeadRewriter()

    out = rewriter.feed(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: kee")
    out += rewriter.feed(b"p-alive\r\nContent-Length: 4\r\n\r\nbo")
    out += rewriter.feed(b"dy")

    assert out == (
        b"HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody"
    )
