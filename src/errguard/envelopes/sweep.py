"""Probe every route where error handlers are bypassed, and check each error answer.

Per route: an unknown sub-path, a method the view does not allow, and a malformed JSON body.
Those are the requests a framework answers before (or around) the project's error handling,
which is where envelopes break: an HTML 404, an empty 405, a 500 page for a JSON parse error.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from errguard.envelopes.check import Rules, check_answer
from errguard.envelopes.clients import (
    answering_server_errors,
    client_kind,
    is_django_client,
    send,
)
from errguard.envelopes.problems import EnvelopeAssertionError, Problem, bullet_list, count
from errguard.envelopes.responses import HttpAnswer, read_response
from errguard.envelopes.routes import Skipped, django_routes

MISSING_SEGMENT = "__errguard_missing__/"
MALFORMED_JSON = b'{"unterminated'
_WRONG_METHODS = ("DELETE", "PUT", "PATCH", "POST", "GET")
_BODY_METHODS = ("POST", "PUT", "PATCH")
_METHOD_NOT_ALLOWED = 405
_SHOWN_SKIPS = 10


@dataclass(frozen=True)
class ProbeResult:
    kind: str  # "unknown sub-path", "wrong method" or "malformed JSON"
    method: str
    url: str
    status: int | None  # None when the request raised instead of answering
    problems: tuple[Problem, ...]

    @property
    def is_error(self) -> bool:
        return self.status is None or self.status >= 400

    def __str__(self) -> str:
        answer = "no response" if self.status is None else f"HTTP {self.status}"
        return f"{self.method} {self.url} ({self.kind}) -> {answer}"


@dataclass(frozen=True)
class SweepReport:
    """Every probe's result, and what could not be probed (with why)."""

    results: tuple[ProbeResult, ...]
    skipped: tuple[Skipped, ...]
    routes: int

    @property
    def failures(self) -> tuple[ProbeResult, ...]:
        return tuple(result for result in self.results if result.problems)

    @property
    def error_responses(self) -> tuple[ProbeResult, ...]:
        return tuple(result for result in self.results if result.is_error)

    def describe(self) -> str:
        failures = self.failures
        verb = "is not an envelope" if len(failures) == 1 else "are not envelopes"
        lines = [
            f"error envelope sweep: {len(failures)} of "
            f"{count(len(self.error_responses), 'error response')} {verb} "
            f"({count(self.routes, 'route')} probed):"
        ]
        for result in failures:
            lines.append(f"  - {result}:")
            lines.append(bullet_list(result.problems, indent="      "))
        return "\n".join(lines + self._skipped_lines())

    def _skipped_lines(self) -> list[str]:
        if not self.skipped:
            return []
        shown = [str(skip) for skip in self.skipped[:_SHOWN_SKIPS]]
        if len(self.skipped) > _SHOWN_SKIPS:
            shown.append(f"... and {len(self.skipped) - _SHOWN_SKIPS} more (SweepReport.skipped)")
        return [f"skipped ({len(self.skipped)}):", bullet_list(shown)]


@dataclass(frozen=True)
class _Target:
    url: str
    view: Callable[..., Any] | None


def sweep(
    client: object, urls: Iterable[str] | None, rules: Rules, exclude: Sequence[str]
) -> SweepReport:
    """Probe ``urls`` (default: every route of the Django URLconf); raise if any probe fails."""
    __tracebackhide__ = True
    client_kind(client)
    if urls is None:
        if not is_django_client(client):
            raise TypeError("pass urls=[...]: only a Django URLconf can be walked for routes")
        routes, skipped = django_routes(exclude)
        targets = [_Target(route.url, route.view) for route in routes]
    else:
        targets, skipped = _given_targets(client, urls, exclude)
    targets = list({target.url: target for target in targets}.values())
    if not targets:
        message = "error envelope sweep found no routes to probe"
        raise EnvelopeAssertionError(SweepReport((), tuple(skipped), 0).describe() + f"\n{message}")
    prober = _Prober(client, rules, skipped)
    with answering_server_errors(client):
        results = [result for target in targets for result in prober.probe(target)]
    report = SweepReport(tuple(results), tuple(skipped), len(targets))
    if report.failures:
        problems = [problem for result in report.failures for problem in result.problems]
        raise EnvelopeAssertionError(report.describe(), problems)
    return report


def _given_targets(
    client: object, urls: Iterable[str], exclude: Sequence[str]
) -> tuple[list[_Target], list[Skipped]]:
    targets, skipped = [], []
    for url in urls:
        if any(fnmatch.fnmatchcase(url, glob) for glob in exclude):
            skipped.append(Skipped(url, "excluded"))
        else:
            view = _django_view(url) if is_django_client(client) else None
            targets.append(_Target(url, view))
    return targets, skipped


def _django_view(url: str) -> Callable[..., Any] | None:
    urls = importlib.import_module("django.urls")
    try:
        view: Callable[..., Any] = urls.resolve(url.split("?", 1)[0]).func
    except urls.Resolver404:
        return None
    return view


@dataclass(frozen=True)
class _Prober:
    client: object
    rules: Rules
    skipped: list[Skipped]

    def probe(self, target: _Target) -> list[ProbeResult]:
        url = target.url
        results = [self.run("unknown sub-path", "GET", _sub_path(url))[0]]
        allowed = declared_methods(target.view)
        wrong_method_done = False
        if allowed is None:  # a function view: OPTIONS tells, as a 405 with Allow or an Allow
            options, answer = self.run("OPTIONS request", "OPTIONS", url)
            wrong_method_done = options.status == _METHOD_NOT_ALLOWED
            if wrong_method_done:
                options = replace(options, kind="wrong method")
            if options.is_error:
                results.append(options)
            allow = answer.header("allow") if answer is not None else None
            allowed = _parse_allow(allow) if allow else None
        if allowed is None:
            reason = (
                "cannot tell which methods it allows (no Allow header); wrong method not probed"
            )
            self.skipped.append(Skipped(url, reason))
        elif not wrong_method_done:
            wrong = next((method for method in _WRONG_METHODS if method not in allowed), None)
            if wrong is not None:
                results.append(self.run("wrong method", wrong, url)[0])
        body_method = (
            "POST" if allowed is None else next((m for m in _BODY_METHODS if m in allowed), None)
        )
        if body_method is not None:
            results.append(self.run("malformed JSON", body_method, url, MALFORMED_JSON)[0])
        return results

    def run(
        self, kind: str, method: str, url: str, body: bytes = b""
    ) -> tuple[ProbeResult, HttpAnswer | None]:
        try:
            answer = read_response(send(self.client, method, url, body, "application/json"))
        except Exception as error:  # the failure to report: the client raised, no response
            problem = Problem("request", f"raised {error!r} instead of returning an error response")
            return ProbeResult(kind, method, url, None, (problem,)), None
        problems: tuple[Problem, ...] = ()
        if answer.status >= 400:
            problems = tuple(check_answer(answer, self.rules).problems)
        return ProbeResult(kind, method, url, answer.status, problems), answer


def _sub_path(url: str) -> str:
    path, _, query = url.partition("?")
    missing = path + ("" if path.endswith("/") else "/") + MISSING_SEGMENT
    return f"{missing}?{query}" if query else missing


def _parse_allow(value: str) -> frozenset[str]:
    return frozenset(method.strip().upper() for method in value.split(",") if method.strip())


def declared_methods(view: Callable[..., Any] | None) -> frozenset[str] | None:
    """Methods a Django or DRF class-based view (or viewset) handles; None for functions."""
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if not isinstance(view_class, type):
        return None
    actions = getattr(view, "actions", None)
    if isinstance(actions, dict):  # a DRF viewset: methods map to actions
        methods = {method.upper() for method in actions} | {"OPTIONS"}
    else:
        names = getattr(view_class, "http_method_names", ())
        methods = {name.upper() for name in names if hasattr(view_class, name)}
    if "GET" in methods:
        methods.add("HEAD")  # both Django and DRF answer HEAD with the GET handler
    return frozenset(methods)
