import hashlib
import hmac
import json
import logging
import traceback

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import scheduler
from .models import Job

logger = logging.getLogger(__name__)


def _verify_signature(request):
    secret = settings.CI_WEBHOOK_SECRET.encode()
    expected = "sha256=" + hmac.new(secret, request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers.get("X-Hub-Signature-256", ""))


def _notify_chat(message):
    from .notifications import post_to_channel

    post_to_channel(settings.CI_CHAT_CHANNEL, message)


@csrf_exempt
@require_POST
def push_hook(request):
    if not _verify_signature(request):
        return HttpResponseForbidden("bad signature")
    try:
        payload = json.loads(request.body)
    except json.JSONDecodeError:
        return HttpResponseBadRequest("invalid JSON")

    repository = payload["repository"]["full_name"]
    branch = payload["ref"].rsplit("/", 1)[-1]
    try:
        pipeline = scheduler.trigger_pipeline(repository, branch, payload["after"], ["build", "test"])
    except Exception:
        return HttpResponse(traceback.format_exc(), status=500, content_type="text/plain")

    try:
        _notify_chat(f"Pipeline queued for {repository}@{branch}")
    except Exception:
        pass

    return JsonResponse({"pipeline": pipeline.pk if pipeline else None})


@csrf_exempt
@require_POST
def runner_heartbeat(request):
    try:
        body = json.loads(request.body)
        runner = scheduler.record_heartbeat(body["name"], body.get("labels", []))
    except (KeyError, json.JSONDecodeError):
        return HttpResponseBadRequest("expected JSON body with 'name'")
    return JsonResponse({"runner": runner.pk})


@csrf_exempt
@require_POST
def job_finished(request, job_id):
    try:
        body = json.loads(request.body)
        scheduler.complete_job(job_id, bool(body.get("succeeded")), int(body.get("log_bytes", 0)))
    except Job.DoesNotExist:
        return JsonResponse({"error": "unknown job"}, status=404)
    except Exception as exc:
        logger.exception("could not finish job %s", job_id)
        payload = {"error": "internal error"}
        if settings.DEBUG:
            payload["debug"] = repr(exc)
        return JsonResponse(payload, status=500)
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def cancel_job(request, job_id):
    updated = Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.CANCELLED
    )
    try:
        _notify_chat(f"Job {job_id} cancelled")
    except Exception as exc:
        logger.warning("chat notification failed: %s", exc)
    return JsonResponse({"cancelled": bool(updated)})
