import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("api.errors")


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"] = "core.api.api_exception_handler"."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is not None:
        if isinstance(exc, exceptions.ValidationError):
            response.data = {"code": "invalid", "errors": exc.detail}
        else:
            response.data = {"code": exc.get_codes(), "detail": exc.detail}
        return response

    view = context.get("view")
    logger.error(
        "unhandled exception in %s",
        view.__class__.__name__ if view else "?",
        exc_info=exc,
    )
    return Response(
        {"code": "server_error", "detail": "A server error occurred."},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
