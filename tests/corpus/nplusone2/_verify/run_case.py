"""Run one case in-process against in-memory SQLite and attribute every SQL
query to the case-code lines on the Python stack.

usage: python run_case.py <case_name> [--verbose]

The driver module _verify/drivers/<case>.py provides:
    seed(n) -> dict                 create data for scale n (not measured)
    SCENARIOS = [(name, fn(ctx))]   calls into case code (measured)
    EXPECT = [(file, anchor, code, why) | (file, anchor, code, why, nth)]
    NEGATIVES = [(file, anchor, note) | (file, anchor, note, nth)]
    SIZES (optional, default (3, 6, 9))
Anchors are substrings resolved to 1-based line numbers (must be unique unless
nth is given).
"""
import collections
import importlib
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

case = sys.argv[1]
VERBOSE = "--verbose" in sys.argv
CASE_DIR = os.path.join(ROOT, case) + os.sep

import stubs  # noqa: E402

stubs.install()

# --------------------------------------------------------------- coverage
executed = collections.defaultdict(set)


def _local(frame, event, arg):
    if event == "line":
        executed[frame.f_code.co_filename].add(frame.f_lineno)
    return _local


def _global(frame, event, arg):
    if frame.f_code.co_filename.startswith(CASE_DIR):
        executed[frame.f_code.co_filename].add(frame.f_lineno)
        return _local
    return None


sys.settrace(_global)

# --------------------------------------------------------------- settings
from django.conf import settings  # noqa: E402

urlconf = types.ModuleType("_verify_urls")
sys.modules["_verify_urls"] = urlconf

settings.configure(
    DEBUG=True,
    SECRET_KEY="blind-corpus",
    ALLOWED_HOSTS=["*"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.admin",
        "django.contrib.sessions",
        "django.contrib.messages",
        "rest_framework",
        case,
    ],
    ROOT_URLCONF="_verify_urls",
    MIDDLEWARE=[],
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": [
            "django.template.context_processors.request",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]},
    }],
    USE_TZ=True,
    TIME_ZONE="UTC",
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    REST_FRAMEWORK={
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        "UNAUTHENTICATED_USER": None,
    },
    DEFAULT_FROM_EMAIL="noreply@example.com",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    LOGGING_CONFIG=None,
)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.disable(logging.CRITICAL)

from django.contrib import admin  # noqa: E402
from django.urls import include, path  # noqa: E402

patterns = [path("admin/", admin.site.urls)]
if os.path.exists(os.path.join(CASE_DIR, "urls.py")):
    patterns.append(path("", include(f"{case}.urls")))
urlconf.urlpatterns = patterns

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
with connection.schema_editor() as editor:
    # create_model() also creates the auto-created M2M through tables of each model
    for model in apps.get_app_config(case.rsplit(".", 1)[-1]).get_models():
        if model._meta.managed and not model._meta.proxy:
            editor.create_model(model)
existing = set(connection.introspection.table_names())
for model in apps.get_app_config(case.rsplit(".", 1)[-1]).get_models(include_auto_created=True):
    assert model._meta.db_table in existing or not model._meta.managed or model._meta.proxy, model

driver = importlib.import_module(f"drivers.{case}")
SIZES = getattr(driver, "SIZES", (3, 6, 9))

# --------------------------------------------------------------- attribution
state = {"on": False, "scenario": None, "log": None}
SKIP_PREFIXES = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def case_frames():
    f = sys._getframe(2)
    out = []
    while f is not None:
        fn = f.f_code.co_filename
        if fn.startswith(CASE_DIR):
            out.append((os.path.relpath(fn, ROOT), f.f_lineno))
        f = f.f_back
    return out  # innermost first


def wrapper(execute, sql, params, many, context):
    if state["on"] and not sql.lstrip().upper().startswith(SKIP_PREFIXES):
        state["log"].append((state["scenario"], tuple(case_frames()), sql))
    return execute(sql, params, many, context)


class Rollback(Exception):
    pass


from django.contrib.contenttypes.models import ContentType  # noqa: E402

runs = {}
totals = {}
for size in SIZES:
    log = []
    state["log"] = log
    per_scen = {}
    try:
        with transaction.atomic():
            ContentType.objects.clear_cache()
            ctx = driver.seed(size) or {}
            ctx["size"] = size
            with connection.execute_wrapper(wrapper):
                for name, fn in driver.SCENARIOS:
                    state["scenario"] = name
                    state["on"] = True
                    with CaptureQueriesContext(connection) as cq:
                        try:
                            fn(ctx)
                        finally:
                            state["on"] = False
                    per_scen[name] = len(cq.captured_queries)
            raise Rollback
    except Rollback:
        pass
    runs[size] = log
    totals[size] = per_scen

sys.settrace(None)


# --------------------------------------------------------------- anchors
def resolve(file, anchor, nth=None):
    p = os.path.join(CASE_DIR, file)
    with open(p) as fh:
        lines = fh.read().split("\n")
    hits = [i + 1 for i, l in enumerate(lines) if anchor in l]
    if not hits:
        raise SystemExit(f"anchor not found: {file}: {anchor!r}")
    if len(hits) > 1 and nth is None:
        raise SystemExit(f"anchor not unique: {file}: {anchor!r} -> {hits}")
    return hits[(nth or 1) - 1]


expect = []
for e in driver.EXPECT:
    file, anchor, code, why = e[:4]
    nth = e[4] if len(e) > 4 else None
    expect.append({"path": f"{case}/{file}", "line": resolve(file, anchor, nth), "code": code, "why": why})
negs = []
for e in driver.NEGATIVES:
    file, anchor, note = e[:3]
    nth = e[3] if len(e) > 3 else None
    negs.append({"path": f"{case}/{file}", "line": resolve(file, anchor, nth), "note": note})

labelled = {(e["path"], e["line"]) for e in expect}

problems = []
label_counts = {k: {} for k in labelled}
unexplained = collections.defaultdict(dict)
inclusive = collections.defaultdict(dict)
for size, log in runs.items():
    lc = collections.Counter()
    uc = collections.Counter()
    ic = collections.Counter()
    for scen, frames, sql in log:
        for fr in set(frames):
            ic[fr] += 1
        lab = [fr for fr in frames if fr in labelled]
        if lab:
            lc[lab[0]] += 1
        else:
            uc[frames[0] if frames else ("<no case frame>", scen)] += 1
    for k in labelled:
        label_counts[k][size] = lc[k]
    for k, v in uc.items():
        unexplained[k][size] = v
    for k, v in ic.items():
        inclusive[k][size] = v


def series(d):
    return [d.get(s, 0) for s in SIZES]


def grows(vals):
    return all(b > a for a, b in zip(vals, vals[1:]))


for e in expect:
    k = (e["path"], e["line"])
    v = series(label_counts[k])
    e["counts"] = v
    if not grows(v):
        problems.append(f"LABEL NOT GROWING {k} {e['code']} counts={v}")

for k, d in unexplained.items():
    v = series(d)
    if len(set(v)) != 1:
        problems.append(f"UNLABELLED GROWTH {k} counts={v}")

for n in negs:
    k = (n["path"], n["line"])
    v = series(inclusive.get(k, {}))
    n["counts"] = v
    absf = os.path.join(ROOT, n["path"])
    if n["line"] not in executed.get(absf, set()):
        problems.append(f"NEGATIVE NOT EXECUTED {k}")
    if len(set(v)) != 1:
        problems.append(f"NEGATIVE GROWS {k} counts={v}")

out = {
    "case": case,
    "sizes": list(SIZES),
    "scenario_totals": totals,
    "labels": expect,
    "negatives": negs,
    "unexplained": [{"where": list(k), "counts": series(d)} for k, d in unexplained.items()],
    "problems": problems,
}
os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
with open(os.path.join(HERE, "results", f"{case}.json"), "w") as fh:
    json.dump(out, fh, indent=1, default=str)

print(f"== {case}: sizes={list(SIZES)}")
for name in totals[SIZES[0]]:
    print(f"  scenario {name}: " + " ".join(str(totals[s][name]) for s in SIZES))
for e in expect:
    print(f"  LABEL {e['code']} {e['path']}:{e['line']} {e['counts']}")
for n in negs:
    print(f"  NEG   {n['path']}:{n['line']} {n['counts']}")
if VERBOSE:
    for k, d in sorted(unexplained.items(), key=str):
        print(f"  unexplained {k} {series(d)}")
    for k, d in sorted(inclusive.items(), key=str):
        print(f"  inclusive {k} {series(d)}")
if problems:
    print("PROBLEMS:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print("OK")
