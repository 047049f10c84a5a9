import sentry_sdk
from rest_framework.decorators import api_view
from rest_framework.response import Response
from sentry_sdk import capture_exception

from calendars.google import GoogleAuthError, calendar_sync, fetch_status


@api_view(["POST"])
def sync_calendar(request):
    try:
        count = calendar_sync(request.user)
    except GoogleAuthError:
        return Response({"detail": "Please reconnect your Google account"}, status=401)
    except Exception as e:
        capture_exception(e)
        return Response({"detail": "Calendar sync failed"}, status=502)
    return Response({"synced": count})


@api_view(["GET"])
def calendar_status(request):
    try:
        info = fetch_status(request.user)
    except Exception:
        sentry_sdk.capture_exception()
        info = {"connected": False}
    return Response(info)


class SentryUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            try:
                sentry_sdk.set_user({"id": request.user.pk, "username": request.user.get_username()})
            except Exception as exc:
                sentry_sdk.capture_message("could not set sentry user: %r" % exc, level="warning")
        return self.get_response(request)
