#!/usr/bin/env python3
"""Summarise JSON access logs: python cli_log_stats.py access.log[.gz] ..."""
import argparse
import collections
import gzip
import json
import sys


def open_any(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def parse_line(line):
    try:
        record = json.loads(line)
        return record["status"], record["path"]
    except (ValueError, KeyError):
        return None


def iter_lines(paths):
    for p in paths:
        try:
            fh = open_any(p)
        except (OSError, UnicodeDecodeError):
            continue
        with fh:
            yield from fh


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)

    counts = collections.Counter()
    try:
        for line in iter_lines(args.files):
            parsed = parse_line(line)
            if parsed is not None:
                counts[parsed] += 1
    except KeyboardInterrupt:
        sys.exit(130)

    it = iter(counts.most_common(args.top))
    while True:
        try:
            (status, path), n = next(it)
        except StopIteration:
            break
        try:
            print("%6d  %s  %s" % (n, status, path))
        except BrokenPipeError:
            sys.stderr.close()
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
