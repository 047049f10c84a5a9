import hashlib
import hmac

from django.conf import settings
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.github import handle_pull_request, handle_push, redeliver

HANDLERS = {
    "push": handle_push,
    "pull_request": handle_pull_request,
}


def verify_signature(request):
    signature = request.headers.get("X-Hub-Signature-256", "")
    expected = "sha256=" + hmac.new(
        settings.GITHUB_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(signature, expected)


class GithubWebhookView(APIView):
    authentication_classes = []
    permission_classes = []

    def post(self, request):
        if not verify_signature(request):
            return Response({"detail": "bad signature"}, status=403)
        event = request.headers.get("X-GitHub-Event")
        handler = HANDLERS.get(event)
        if handler is None:
            return Response(status=204)
        try:
            handler(request.data)
        except Exception as e:
            pass
        return Response({"ok": True})


class RedeliverView(APIView):
    def post(self, request, delivery_id):
        try:
            redeliver(delivery_id)
        except Exception:
            return Response({"detail": "Redelivery failed"}, status=502)
        return Response(status=202)
