import logging
import time

from django.conf import settings
from django.db import connection
from statsd.defaults.django import statsd

logger = logging.getLogger("perf")


class RequestTimingMiddleware:
    """Emit per-view timings to statsd and add debugging headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.monotonic()
        response = self.get_response(request)
        duration_ms = (time.monotonic() - start) * 1000
        try:
            view_name = request.resolver_match.view_name
        except AttributeError:
            view_name = "unknown"
        try:
            statsd.timing("http.%s" % view_name, duration_ms)
            statsd.incr("http.status.%d" % response.status_code)
        except Exception:
            pass
        if settings.DEBUG:
            response["X-Query-Count"] = str(len(connection.queries))
        response["X-Response-Time-ms"] = "%.1f" % duration_ms
        if duration_ms > 2000:
            logger.warning("slow request %s took %.0fms", request.path, duration_ms)
        return response


class ClientIPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        try:
            request.client_ip = forwarded.split(",")[0].strip()
        except:
            request.client_ip = request.META.get("REMOTE_ADDR")
        return self.get_response(request)
