"""Sample URLs for every route of a Django URLconf, walking nested ``include()``s.

Each route gets one URL its pattern matches: converters get a sample their regex accepts (``1``
for ``int``, ``x`` for ``str``/``slug``/``path``, a UUID for ``uuid``), regex groups likewise.
A URL is used only when Django resolves it back to the route's own view; anything else is
reported as skipped with the reason, never guessed.
"""

from __future__ import annotations

import fnmatch
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

SAMPLES = ("x", "1", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "2024", "x-1", "1.0")
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>(?:[^()\\]|\\.)*)\)")


@dataclass(frozen=True)
class Route:
    url: str  # a sample URL that resolves to ``view``
    pattern: str  # the route as written, prefixes joined: "api/orders/<int:pk>/"
    view: Callable[..., Any]


@dataclass(frozen=True)
class Skipped:
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.target}: {self.reason}"


def django_routes(exclude: Sequence[str] = ()) -> tuple[list[Route], list[Skipped]]:
    """The routes of the active URLconf, and those skipped (unfillable, contrib, excluded)."""
    urls = importlib.import_module("django.urls")
    resolver = urls.get_resolver(urls.get_urlconf())
    routes: list[Route] = []
    skipped: list[Skipped] = []
    for parts, view in _endpoints(resolver.url_patterns, ()):
        pattern = "".join(_describe(part) for part in parts)
        module = getattr(view, "__module__", "") or ""
        if module.startswith("django.contrib."):
            skipped.append(
                Skipped(pattern, f"a {module} view (HTML by design; pass urls= to probe)")
            )
            continue
        filled = [_fill(part) for part in parts]
        if any(piece is None for piece in filled):
            skipped.append(Skipped(pattern, "cannot build a sample URL for this regex"))
            continue
        url = "/" + "".join(piece for piece in filled if piece is not None)
        reason = _resolution_problem(urls, url, view)
        if reason is not None:
            skipped.append(Skipped(pattern, reason))
        elif any(fnmatch.fnmatchcase(url, glob) for glob in exclude):
            skipped.append(Skipped(url, "excluded"))
        else:
            routes.append(Route(url, pattern, view))
    return routes, skipped


def _endpoints(
    entries: Iterable[Any], parents: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], Callable[..., Any]]]:
    for entry in entries:
        parts = (*parents, entry.pattern)
        if hasattr(entry, "url_patterns"):  # URLResolver: an include()
            yield from _endpoints(entry.url_patterns, parts)
        else:
            yield parts, entry.callback


def _describe(pattern: Any) -> str:
    if hasattr(pattern, "language_prefix"):  # LocalePrefixPattern (i18n_patterns)
        return str(pattern.language_prefix)
    if _is_route(pattern):
        return str(pattern)
    return str(pattern.regex.pattern)


def _fill(pattern: Any) -> str | None:
    if hasattr(pattern, "language_prefix"):
        return str(pattern.language_prefix)
    if _is_route(pattern):
        return _fill_route(str(pattern), pattern.converters)
    return fill_regex(pattern.regex.pattern)


def _is_route(pattern: Any) -> bool:
    """A ``path()`` pattern, as opposed to a ``re_path()`` one."""
    resolvers = importlib.import_module("django.urls.resolvers")
    return isinstance(pattern, resolvers.RoutePattern)


def _fill_route(route: str, converters: dict[str, Any]) -> str | None:
    pieces: list[str] = []
    position = 0
    for match in _ROUTE_PARAMETER.finditer(route):
        converter = converters.get(match.group("parameter"))
        sample = _converter_sample(converter) if converter is not None else None
        if sample is None:
            return None
        pieces += [route[position : match.start()], sample]
        position = match.end()
    return "".join([*pieces, route[position:]])


def _converter_sample(converter: Any) -> str | None:
    for candidate in SAMPLES:
        if not re.fullmatch(converter.regex, candidate):
            continue
        try:
            return str(converter.to_url(converter.to_python(candidate)))
        except ValueError:
            continue
    return None


def fill_regex(pattern: str) -> str | None:
    """A string matching a simple URL regex: literals and groups without nesting, else None."""
    body = pattern.removeprefix("^")
    for end in ("\\Z", "$"):
        body = body.removesuffix(end)
    pieces: list[str] = []
    position = 0
    for match in _REGEX_GROUP.finditer(body):
        literal = _literal(body[position : match.start()])
        group = match.group("body")
        following = body[match.end() : match.end() + 1]
        if literal is None or group.startswith("?") or (following and following in "?*+{"):
            return None  # lookarounds, non-capturing or repeated groups: not filled
        sample = _regex_sample(group)
        if sample is None:
            return None
        pieces += [literal, sample]
        position = match.end()
    tail = _literal(body[position:])
    if tail is None:
        return None
    return "".join([*pieces, tail])


def _regex_sample(group: str) -> str | None:
    try:
        return next((sample for sample in SAMPLES if re.fullmatch(group, sample)), None)
    except re.error:  # the group was cut where a character class holds a parenthesis
        return None


def _literal(text: str) -> str | None:
    """The shortest string ``text`` (a regex without groups) matches; None if not plain."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            escaped = text[index + 1 : index + 2]
            if not escaped or escaped.isalnum():
                return None  # a class such as \d, or a dangling backslash
            out.append(escaped)
            index += 2
        elif char in "?*":
            if not out:
                return None
            out.pop()  # the optional or repeated character: its shortest form is absent
            index += 1
        elif char == "+":
            index += 1
        elif char in ".^$|()[]{}":
            return None
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _resolution_problem(urls: Any, url: str, view: Callable[..., Any]) -> str | None:
    try:
        match = urls.resolve(url)
    except urls.Resolver404:
        return f"the sample URL {url} does not resolve"
    if match.func is not view:
        return f"the sample URL {url} resolves to another view ({match.view_name or match.func})"
    return None
