import time

from django.db import DatabaseError, connection, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """Deep health check used by the load balancer dashboard."""
    checks = {}
    healthy = True
    for alias in connections:
        started = time.monotonic()
        try:
            cursor = connections[alias].cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            checks[alias] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
        except DatabaseError as exc:
            healthy = False
            checks[alias] = {"ok": False, "error": str(exc)}
    return JsonResponse({"healthy": healthy, "databases": checks}, status=200 if healthy else 503)


@never_cache
def readiness(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"ready": False}, status=503)
    return JsonResponse({"ready": True})


@never_cache
def migrations_applied(request):
    cursor = connection.cursor()
    try:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id DESC LIMIT 1")
        app, name = cursor.fetchone()
    finally:
        cursor.close()
    return JsonResponse({"latest_migration": f"{app}.{name}"})
