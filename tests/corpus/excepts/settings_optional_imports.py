"""Production settings for the example project."""
import os

try:
    import ujson as json
except ImportError:  # pragma: no cover
    import json

try:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
except ImportError:
    sentry_sdk = None

try:
    from decouple import config
except ImportError:

    def config(name, default=None, cast=None):
        value = os.environ.get(name, default)
        return cast(value) if cast and value is not None else value


def _bool(value):
    return str(value).lower() in ("1", "true", "yes", "on")


DEBUG = config("DEBUG", default=False, cast=_bool)
SECRET_KEY = config("SECRET_KEY")
ALLOWED_HOSTS = [h for h in config("ALLOWED_HOSTS", default="").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "shop",
]

try:
    import django_extensions  # noqa: F401
except ImportError:
    pass
else:
    INSTALLED_APPS.append("django_extensions")

try:
    CACHE_OPTIONS = json.loads(os.environ.get("CACHE_OPTIONS", "{}"))
except ValueError:
    CACHE_OPTIONS = {}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": config("REDIS_URL", default="redis://localhost:6379/0"),
        "OPTIONS": CACHE_OPTIONS,
    }
}

if sentry_sdk is not None and config("SENTRY_DSN", default=None):
    sentry_sdk.init(
        dsn=config("SENTRY_DSN"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=float(config("SENTRY_TRACES", default="0.05")),
        send_default_pii=False,
    )

try:
    from .local import *  # noqa: F401,F403
except ModuleNotFoundError:
    pass
