"""The shop's error envelope, and the middleware that makes every error response one."""

import json
import logging
import uuid
from datetime import datetime, timezone

from django.http import JsonResponse

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the API reports to its client, with a catalog code and an HTTP status."""

    def __init__(self, code, message, status, details=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details or {}


def envelope(request, code, message, status, details=None):
    body = {
        "status": "error",
        "code": code,
        "message": message,
        "details": details or {},
        "request_id": getattr(request, "request_id", ""),
        "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
    }
    return JsonResponse(body, status=status)


def parse_json(request):
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        raise ApiError("VALIDATION_INVALID_JSON", "The request body is not valid JSON.", 400)


class ErrorEnvelopeMiddleware:
    """Request ids, envelopes for API errors, and for the errors that bypass the views
    (unknown routes, wrong methods): every 4xx/5xx answer is an envelope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        response = self.get_response(request)
        if response.status_code >= 400 and response.get("Content-Type", "").split(";")[0] != (
            "application/json"
        ):
            response = envelope(
                request,
                f"HTTP_{response.status_code}",
                response.reason_phrase or "Error",
                response.status_code,
            )
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, ApiError):
            return envelope(
                request, exception.code, exception.message, exception.status, exception.details
            )
        logger.exception("unhandled error on %s", request.path)
        return envelope(request, "SYSTEM_INTERNAL_ERROR", "Something went wrong.", 500)
