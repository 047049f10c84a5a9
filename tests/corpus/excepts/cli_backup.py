#!/usr/bin/env python
"""Nightly database backup script."""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile


def dump_database(dsn, target):
    tmpdir = tempfile.mkdtemp(prefix="backup-")
    tmpfile = os.path.join(tmpdir, "dump.sql.gz")
    try:
        with open(tmpfile, "wb") as out:
            pg = subprocess.Popen(["pg_dump", dsn], stdout=subprocess.PIPE)
            gz = subprocess.Popen(["gzip", "-9"], stdin=pg.stdout, stdout=out)
            pg.stdout.close()
            gz.communicate()
            if pg.wait() != 0:
                raise RuntimeError("pg_dump exited with %d" % pg.returncode)
        shutil.move(tmpfile, target)
    except:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    shutil.rmtree(tmpdir, ignore_errors=True)


def rotate(directory, keep):
    files = sorted(f for f in os.listdir(directory) if f.endswith(".sql.gz"))
    for name in files[:-keep]:
        try:
            os.remove(os.path.join(directory, name))
        except BaseException:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--dir", default="/var/backups/db")
    parser.add_argument("--keep", type=int, default=14)
    args = parser.parse_args(argv)
    if not args.dsn:
        parser.error("--dsn or DATABASE_URL is required")
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%S")
    target = os.path.join(args.dir, "db-%s.sql.gz" % stamp)
    try:
        dump_database(args.dsn, target)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print("backup failed: %s" % exc, file=sys.stderr)
        return 1
    rotate(args.dir, args.keep)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
