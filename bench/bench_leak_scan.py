"""How the envelope leak scan's time grows with adversarial input (it should grow linearly).

    python bench/bench_leak_scan.py [--runs 5]

Each input repeats a unit that almost matches a detector (dotted names, SQL column lists,
URLs, exception reprs and lines, POSIX/Windows/UNC paths, passwords, auth headers, JWTs,
Django keys, tracebacks, values under a credential's name). For each, the best CPU time at n
and 4n repeats and their ratio: about 4 is linear; a quadratic pattern shows about 16.
"""

from __future__ import annotations

import argparse
import time

from errguard.envelopes.leaks import find_leaks

UNITS = {
    "dotted": ("", "a."),
    "columns": ("select ", "a, "),
    "table": ("select a from ", "b."),
    "urls": ("", "x://a:"),
    "reprs": ("", 'ValueError("'),
    "paths": ("", "/a."),
    "windows": ("C:\\", "a b\\"),
    "unc": ("", "\\\\a"),
    "url-passwords": ("x://a:", "@a:"),
    "query-passwords": ("", "password=a&"),
    "basic": ("", "Basic QUFB "),
    "authorization": ("", "Authorization: x"),
    "jwts": ("", "eyJaaaaaaaaa."),
    "django-keys": ("", "a!1"),
    "exception-lines": ("", "KeyError: "),
    "tracebacks": ("Traceback (most recent call last):", "\n  a"),
    "file-lines": ("", 'File \\"a'),
    "named-values": ("", '"password": "a1'),
    "named-names": ('"', "password"),
}


def best_time(text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()  # CPU time: other processes on the machine do not count
        find_leaks(text)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=10_000)
    args = parser.parse_args()
    print(f"{'input':<16} {'n':>8} {'seconds':>8} {'4n':>8} {'seconds':>8} {'ratio':>6}")
    for name, (prefix, unit) in UNITS.items():
        small, large = args.repeats, 4 * args.repeats
        short = best_time(prefix + unit * small, args.runs)
        long = best_time(prefix + unit * large, args.runs)
        print(f"{name:<16} {small:>8} {short:>8.3f} {large:>8} {long:>8.3f} {long / short:>6.1f}")


if __name__ == "__main__":
    main()
