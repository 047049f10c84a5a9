import json
import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from .models import Byline, Desk, Story, WireItem
from .publishing import PublishBlocked, publish_story
from .wire import parse_wire_payload

logger = logging.getLogger(__name__)


@login_required
@require_POST
def create_story(request, desk_slug):
    desk = get_object_or_404(Desk, slug=desk_slug)
    data = json.loads(request.body)
    slug = slugify(data["headline"])[:200]
    if Story.objects.filter(desk=desk, slug=slug).exists():
        return JsonResponse({"error": "A story with this headline already exists on this desk."}, status=409)
    story = Story.objects.create(desk=desk, slug=slug, headline=data["headline"], body=data.get("body", ""))
    Byline.objects.create(story=story, author=request.user)
    return JsonResponse({"id": story.pk, "slug": story.slug}, status=201)


@login_required
@require_POST
def add_byline(request, story_id):
    story = get_object_or_404(Story, pk=story_id)
    data = json.loads(request.body)
    byline, created = Byline.objects.get_or_create(
        story=story, author_id=data["author_id"], defaults={"role": data.get("role", "reporter")}
    )
    return JsonResponse({"id": byline.pk, "created": created})


@permission_required("newsroom.publish_story")
@require_POST
def publish(request, story_id):
    story = get_object_or_404(Story, pk=story_id)
    try:
        publish_story(story, request.user)
    except PublishBlocked as exc:
        return JsonResponse({"error": str(exc), "blockers": exc.blockers}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": "Story is not valid", "fields": exc.message_dict}, status=400)
    return JsonResponse({"state": story.state})


@require_POST
def wire_ingest(request):
    """Endpoint the agency feed poller posts raw wire XML to."""
    try:
        items = parse_wire_payload(request.body)
    except Exception as exc:
        detail = f"could not parse wire payload: {exc}"
        logger.warning(detail)
        return JsonResponse({"error": detail}, status=400)

    stored = 0
    for item in items:
        if WireItem.objects.filter(agency=item.agency, agency_id=item.id).exists():
            continue
        WireItem.objects.create(agency=item.agency, agency_id=item.id, headline=item.headline, body=item.body)
        stored += 1
    return JsonResponse({"stored": stored})


@login_required
@require_POST
def save_draft(request, story_id):
    data = json.loads(request.body)
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story_id)
        if story.locked_by_id not in (None, request.user.pk):
            return JsonResponse({"error": "Story is locked by another editor."}, status=423)
        story.body = data["body"]
        story.word_count = len(data["body"].split())
        story.revision += 1
        story.save(update_fields=["body", "word_count", "revision"])
    return JsonResponse({"revision": story.revision})
