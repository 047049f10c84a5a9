"""Tagging helpers shared by the blog, the wiki and the issue tracker."""
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import Tag, TaggedItem

logger = logging.getLogger(__name__)


def normalise_tag_name(name):
    return " ".join(name.split()).strip()


def get_tag(name):
    """Return the tag called ``name``, creating it on first use."""
    name = normalise_tag_name(name)
    slug = slugify(name)
    try:
        return Tag.objects.get(slug=slug)
    except Tag.DoesNotExist:
        return Tag.objects.create(name=name, slug=slug)


def ensure_tag(name):
    """Like get_tag(), but safe to call from concurrent requests."""
    name = normalise_tag_name(name)
    slug = slugify(name)
    if Tag.objects.filter(slug=slug).exists():
        return Tag.objects.get(slug=slug)
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, slug=slug)
    except IntegrityError:
        # Somebody else created it between our check and our insert.
        return Tag.objects.get(slug=slug)


def tag_object(obj, names):
    content_type = ContentType.objects.get_for_model(obj)
    added = []
    for name in names:
        tag = ensure_tag(name)
        try:
            with transaction.atomic():
                TaggedItem.objects.create(
                    tag=tag, content_type=content_type, object_id=obj.pk
                )
        except IntegrityError:
            logger.debug("%s already tagged with %s", obj, tag)
            continue
        added.append(tag)
    return added


def untag_object(obj, names):
    content_type = ContentType.objects.get_for_model(obj)
    slugs = [slugify(normalise_tag_name(n)) for n in names]
    return TaggedItem.objects.filter(
        content_type=content_type, object_id=obj.pk, tag__slug__in=slugs
    ).delete()


@transaction.atomic
def merge_tags(source, target):
    """Move every item tagged ``source`` over to ``target`` and drop ``source``."""
    moved = 0
    for item in TaggedItem.objects.filter(tag=source).select_for_update():
        duplicate = TaggedItem.objects.filter(
            tag=target,
            content_type_id=item.content_type_id,
            object_id=item.object_id,
        ).exists()
        if duplicate:
            item.delete()
            continue
        item.tag = target
        item.save(update_fields=["tag"])
        moved += 1
    source.delete()
    return moved


def tags_for(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return list(
        Tag.objects.filter(
            items__content_type=content_type, items__object_id=obj.pk
        ).distinct()
    )
