"""Views of the envelope test project: some answer every error with an envelope, some do not."""

from __future__ import annotations

import functools
import json
import uuid
from datetime import datetime, timezone

from django.http import JsonResponse
from django.views import View
from django.views.decorators.http import require_GET
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


def envelope_body(request, code, message, *, details=None):
    return {
        "status": "error",
        "code": code,
        "message": message,
        "details": details or {},
        "request_id": getattr(request, "request_id", "no-request-id"),
        "timestamp": datetime.now(timezone.utc).isoformat(),
    }


def envelope(request, status, code, message, *, headers=None):
    body = envelope_body(request, code, message)
    return JsonResponse(body, status=status, headers=headers)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def handler404(request, exception=None):
    return envelope(request, 404, "RESOURCE_NOT_FOUND", "No such resource.")


def handler500(request):
    return envelope(request, 500, "SYSTEM_UNEXPECTED", "Something went wrong on our side.")


def allow_methods(*methods):
    """Like Django's require_http_methods, but the 405 is an envelope."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                headers = {"Allow": ", ".join(methods)}
                return envelope(request, 405, "HTTP_405", "Method not allowed.", headers=headers)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def parse_json(request):
    try:
        return json.loads(request.body)
    except ValueError:
        return None


@allow_methods("GET")
def order_detail(request, pk):
    if pk != 1:
        return envelope(request, 404, "RESOURCE_NOT_FOUND", f"Order {pk} not found.")
    return JsonResponse({"id": pk})


@allow_methods("POST")
def create_order(request):
    payload = parse_json(request)
    if payload is None:
        return envelope(request, 400, "VALIDATION_MALFORMED_JSON", "The body is not valid JSON.")
    return JsonResponse({"id": 2}, status=201)


@allow_methods("GET")
def shop_item(request, shop, token):
    return JsonResponse({"shop": shop, "token": str(token)})


@allow_methods("GET")
def archive(request, year):
    return JsonResponse({"year": year})


class OrderListView(View):
    http_method_names = ("get", "post", "options")

    def get(self, request):
        return JsonResponse({"orders": []})

    def post(self, request):
        if parse_json(request) is None:
            return envelope(
                request, 400, "VALIDATION_MALFORMED_JSON", "The body is not valid JSON."
            )
        return JsonResponse({"id": 3}, status=201)

    def http_method_not_allowed(self, request, *args, **kwargs):
        allow = ", ".join(self._allowed_methods())
        return envelope(request, 405, "HTTP_405", "Method not allowed.", headers={"Allow": allow})


class ProductViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([])

    def create(self, request):
        return Response(request.data, status=201)

    def retrieve(self, request, pk=None):
        raise NotFound(f"Product {pk} not found.")


@api_view(["GET"])
def drf_ping(request):
    return Response({"pong": True})


def drf_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    codes = {400: "VALIDATION_FAILED", 404: "RESOURCE_NOT_FOUND", 429: "RATE_LIMIT_EXCEEDED"}
    code = "VALIDATION_MALFORMED_JSON" if isinstance(exc, ParseError) else codes.get(status)
    details = response.data if isinstance(exc, ValidationError) else {}
    message = str(getattr(exc, "detail", "Request failed."))
    body = envelope_body(context["request"], code or f"HTTP_{status}", message, details=details)
    headers = {name: value for name, value in response.items() if name in {"Allow", "Retry-After"}}
    return Response(body, status=status, headers=headers)


# Views that let errors bypass the envelope.


@require_GET
def legacy_order(request, pk):
    return JsonResponse({"id": pk})


def import_products(request):
    rows = json.loads(request.body)  # a malformed body raises: Django's plain 500 page
    return JsonResponse({"created": len(rows)})
