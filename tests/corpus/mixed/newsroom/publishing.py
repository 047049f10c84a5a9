import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Correction, Story

logger = logging.getLogger(__name__)


class PublishBlocked(Exception):
    """Raised when editorial checks block publication. Shown to editors."""

    def __init__(self, message, blockers=()):
        super().__init__(message)
        self.blockers = list(blockers)


def _blockers(story):
    blockers = []
    if not story.bylines.exists():
        blockers.append("missing byline")
    if story.state == Story.State.LEGAL:
        blockers.append("awaiting legal review")
    if story.word_count < 50:
        blockers.append("story is shorter than 50 words")
    return blockers


def publish_story(story, user):
    blockers = _blockers(story)
    if blockers:
        raise PublishBlocked("This story cannot be published yet.", blockers)
    story.full_clean()
    story.state = Story.State.PUBLISHED
    if story.publish_at is None:
        story.publish_at = timezone.now()
    story.revision = F("revision") + 1
    story.save(update_fields=["state", "publish_at", "revision"])
    story.refresh_from_db(fields=["revision"])
    logger.info("story %s published by %s", story.pk, user)


def record_page_view(story_id):
    story = Story.objects.only("id", "page_views").get(pk=story_id)
    story.page_views += 1
    story.save(update_fields=["page_views"])


def record_page_views_bulk(counts):
    """Flush view counts buffered in Redis by the edge workers."""
    for story_id, count in counts.items():
        Story.objects.filter(pk=story_id).update(page_views=F("page_views") + count)


def add_correction(story_id, text):
    with transaction.atomic():
        story = Story.objects.get(pk=story_id)
        Correction.objects.create(story=story, text=text)
        story.revision = story.revision + 1
        story.save(update_fields=["revision"])
    return story


def kill_story(story_id, reason):
    story = Story.objects.get(pk=story_id)
    story.state = Story.State.KILLED
    story.headline = f"[KILLED] {story.headline}"
    story.save(update_fields=["state", "headline"])
    logger.warning("story %s killed: %s", story_id, reason)
