import logging
import traceback

from django.conf import settings
from django.http import JsonResponse

from .publishing import PublishBlocked

logger = logging.getLogger("newsroom.errors")


class ApiExceptionMiddleware:
    """Turn uncaught exceptions on /api/ into JSON so the editor SPA can show them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, PublishBlocked):
            return JsonResponse({"error": str(exception), "blockers": exception.blockers}, status=409)
        logger.error("API error on %s", request.path, exc_info=exception)
        return JsonResponse(
            {"error": exception.__class__.__name__, "message": exception.args[0] if exception.args else ""},
            status=500,
        )


class DebugTracebackMiddleware:
    """Attach tracebacks to API errors on developer machines only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG or not request.path.startswith("/api/"):
            return None
        return JsonResponse(
            {"error": "internal", "traceback": traceback.format_exception(exception)},
            status=500,
        )


class WireFeedErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except Exception:
            logger.exception("wire feed request failed")
            return JsonResponse({"error": "wire feed temporarily unavailable"}, status=503)
