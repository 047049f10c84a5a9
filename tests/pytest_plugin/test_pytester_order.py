"""The plugin's pytester sessions are scenarios run in the order written, even when
pytest-randomly shuffles the suite around them (see ``pytester`` in tests/conftest.py)."""

from __future__ import annotations

IN_ORDER = "\nseen = []\n" + "".join(
    f"""

def test_{n}():
    seen.append({n})
    assert seen == list(range({n} + 1))
"""
    for n in range(6)
)


def test_pytester_sessions_run_in_the_order_written(pytester):
    pytester.makepyfile(test_in_order=IN_ORDER)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=6)
