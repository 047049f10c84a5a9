"""``faults.call("pkg.module.attr", ...)``: make an importable callable raise, return or wait.

Each patched attribute is replaced once, by a wrapper that dispatches to the faults active on
it (in declaration order) and calls the original when none applies; the original is put back
exactly when the last of them ends, whatever order they end in. The wrapper sets
``__tracebackhide__``, so an injected error's traceback shows the test's frames.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

from errguard.faults.options import (
    ALWAYS_OPEN,
    ErrorSpec,
    Gate,
    checked_delay,
    checked_times,
    is_error_spec,
    make_exception,
    shown,
)
from errguard.faults.patching import replace_attribute, restore_displaced

# Bound now, so that a fault on time.sleep or asyncio.sleep itself cannot recurse.
_sleep = time.sleep
_async_sleep = asyncio.sleep


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


@dataclass(frozen=True)
class RecordedCall:
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    faulted: bool


class CallFault:
    """The handle ``faults.call(...)`` returns: ``hits`` and the log of calls it saw."""

    gate: Gate = ALWAYS_OPEN

    def __init__(
        self,
        target: str,
        *,
        raises: ErrorSpec | None = None,
        returns: object = UNSET,
        delay: float | None = None,
        times: int | None = None,
    ) -> None:
        if not isinstance(target, str) or "." not in target:
            raise ValueError(f"target must be a dotted path like 'pkg.module.func', got {target!r}")
        if raises is not None and not is_error_spec(raises):
            raise TypeError(f"raises must be an exception class or instance, got {raises!r}")
        if raises is not None and returns is not UNSET:
            raise ValueError("give raises or returns, not both")
        self.target = target
        self.raises = raises
        self.returns = returns
        self.delay = checked_delay(delay)
        self.times = checked_times(times)
        if raises is None and returns is UNSET and self.delay is None:
            raise ValueError("faults.call() needs at least one of raises, returns or delay")
        self._lock = threading.Lock()
        self._calls: list[RecordedCall] = []
        self._hits = 0

    @property
    def hits(self) -> int:
        """How many calls it faulted."""
        with self._lock:
            return self._hits

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call made while it was active, faulted or passed to the original."""
        with self._lock:
            return list(self._calls)

    def claim(self) -> bool:
        with self._lock:
            if self.times is not None and self._hits >= self.times:
                return False
            self._hits += 1
            return True

    def log(self, args: tuple[Any, ...], kwargs: dict[str, Any], faulted: bool) -> None:
        with self._lock:
            self._calls.append(RecordedCall(args, dict(kwargs), faulted))

    def outcome(self) -> object:
        """What a faulted call returns (after ``delay``), or raises; ``UNSET``: call through."""
        if self.raises is not None:
            raise make_exception(self.raises, f"errguard: injected fault in {self.target}")
        return self.returns

    def __repr__(self) -> str:
        options = [repr(self.target)]
        if self.raises is not None:
            options.append(f"raises={shown(self.raises)}")
        if self.returns is not UNSET:
            options.append(f"returns={self.returns!r}")
        for name in ("delay", "times"):
            if getattr(self, name) is not None:
                options.append(f"{name}={getattr(self, name)!r}")
        return f"faults.call({', '.join(options)})"


def resolve(target: str) -> tuple[object, str]:
    """``(owner, attribute)`` for a dotted path: the longest importable module prefix, then
    attribute lookups (so ``pkg.mod.Class.method`` gives ``(Class, "method")``)."""
    parts = target.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        try:
            owner: object = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name is not None and not module_name.startswith(error.name):
                raise  # the module exists but one of its own imports is missing
            continue
        for name in parts[split:-1]:
            owner = _lookup(owner, name, target)
        _lookup(owner, parts[-1], target)
        return owner, parts[-1]
    raise ModuleNotFoundError(f"faults.call({target!r}): no importable module in the path")


def _lookup(owner: object, name: str, target: str) -> object:
    try:
        return getattr(owner, name)
    except AttributeError:
        where = owner.__name__ if isinstance(owner, (ModuleType, type)) else repr(owner)
        raise AttributeError(
            f"faults.call({target!r}): {where} has no attribute {name!r}"
        ) from None


class _Hook:
    """One replaced attribute and the faults dispatching through it."""

    def __init__(self, owner: object, name: str) -> None:
        self.faults: list[CallFault] = []
        restore_displaced()  # not to wrap a hook of ours left behind by another patcher
        raw = inspect.getattr_static(owner, name)
        kind: Callable[[Any], Any] | None = None
        if isinstance(owner, ModuleType):
            function = raw
        elif isinstance(owner, type):
            if isinstance(raw, (staticmethod, classmethod)):
                kind, function = type(raw), raw.__func__
            elif inspect.isfunction(raw):
                function = raw
            else:  # a callable that does not bind to instances, like a partial
                kind, function = staticmethod, raw
        else:  # an attribute of an instance: patch the instance, call its bound method
            function = getattr(owner, name)
        if not callable(function):
            raise TypeError(f"{owner!r}.{name} is not callable: {function!r}")
        wrapper = self._wrap(function)
        self.restore = replace_attribute(owner, name, wrapper if kind is None else kind(wrapper))

    def _wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(original):

            @functools.wraps(original)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                fault = self._dispatch(args, kwargs)
                if fault is None:
                    return await original(*args, **kwargs)
                if fault.delay:
                    await _async_sleep(fault.delay)
                result = fault.outcome()
                return await original(*args, **kwargs) if result is UNSET else result

            return async_wrapper

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            fault = self._dispatch(args, kwargs)
            if fault is None:
                return original(*args, **kwargs)
            if fault.delay:
                _sleep(fault.delay)
            result = fault.outcome()
            return original(*args, **kwargs) if result is UNSET else result

        return wrapper

    def _dispatch(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> CallFault | None:
        with _lock:
            faults = [fault for fault in self.faults if fault.gate.is_open]
        chosen = next((fault for fault in faults if fault.claim()), None)
        for fault in faults:
            fault.log(args, kwargs, faulted=fault is chosen)
        return chosen


_lock = threading.RLock()
_hooks: dict[tuple[int, str], tuple[object, _Hook]] = {}


@contextmanager
def call_fault_active(fault: CallFault) -> Iterator[None]:
    owner, name = resolve(fault.target)
    key = (id(owner), name)
    added = False
    try:
        with _lock:
            if key not in _hooks:
                _hooks[key] = (owner, _Hook(owner, name))
            _hooks[key][1].faults.append(fault)
            added = True
        yield
    finally:
        if added:
            with _lock:
                hook = _hooks[key][1]
                hook.faults.remove(fault)
                if not hook.faults:
                    del _hooks[key]
                    hook.restore()
