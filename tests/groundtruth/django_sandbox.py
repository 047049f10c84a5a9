"""Configure Django in a subprocess for one ground-truth app, on an in-memory SQLite database.

The runners import this before anything else; the main test process never configures Django.
"""

import sys

import django
from django.conf import settings


def setup(directory, app):
    sys.path.insert(0, directory)
    settings.configure(
        INSTALLED_APPS=[app],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    django.setup()
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for model in apps.get_app_config(app).get_models():
            editor.create_model(model)
