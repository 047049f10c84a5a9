"""Settings of the small Django project the envelope tests run against (in pytester sessions)."""

from __future__ import annotations

SECRET_KEY = "errguard-envelope-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
MIDDLEWARE = ["tests.pytest_plugin.envelope_django_views.RequestIdMiddleware"]
ROOT_URLCONF = "tests.pytest_plugin.envelope_django_urls_covered"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
TIME_ZONE = "UTC"
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "tests.pytest_plugin.envelope_django_views.drf_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
