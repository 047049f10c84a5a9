"""Run one case at one data size and print per-line query stats as JSON.

usage: run_case.py <case> <n>
"""
import collections
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
case, n = sys.argv[1], int(sys.argv[2])
CASE_DIR = os.path.join(ROOT, case) + os.sep

sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "stubs"))

import django
from django.conf import settings

settings.configure(
    DEBUG=True,
    SECRET_KEY="blind-corpus",
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.admin",
        "django.contrib.messages",
        "django.contrib.sessions",
        "rest_framework",
        case,
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    USE_TZ=True,
    ROOT_URLCONF="urls_empty",
    MIDDLEWARE=[],
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    DEFAULT_FROM_EMAIL="noreply@example.com",
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }],
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    },
)
django.setup()

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

with connection.schema_editor() as editor:
    for model in apps.get_models():
        editor.create_model(model)

spec = importlib.import_module("specs." + case)
data = spec.seed(n)


def case_frames():
    f = sys._getframe(1)
    out = []
    while f is not None:
        fn = f.f_code.co_filename
        if fn.startswith(CASE_DIR):
            out.append((os.path.relpath(fn, ROOT), f.f_lineno))
        f = f.f_back
    return out


results = {}
for name, fn in spec.SCENARIOS.items():
    inner = collections.Counter()
    anyf = collections.Counter()
    hits = collections.Counter()
    orphan = [0]

    def wrapper(execute, sql, params, many, context):
        frames = case_frames()
        if frames:
            inner["%s:%d" % frames[0]] += 1
            for fr in set(frames):
                anyf["%s:%d" % fr] += 1
        else:
            orphan[0] += 1
        return execute(sql, params, many, context)

    def local_trace(frame, event, arg):
        if event == "line":
            hits["%s:%d" % (os.path.relpath(frame.f_code.co_filename, ROOT), frame.f_lineno)] += 1
        return local_trace

    def global_trace(frame, event, arg):
        if frame.f_code.co_filename.startswith(CASE_DIR):
            return local_trace
        return None

    with CaptureQueriesContext(connection) as cq, connection.execute_wrapper(wrapper):
        sys.settrace(global_trace)
        try:
            fn(n, data)
        finally:
            sys.settrace(None)
    results[name] = {
        "total": len(cq),
        "inner": dict(inner),
        "any": dict(anyf),
        "hits": dict(hits),
        "orphan": orphan[0],
    }

print(json.dumps(results))
