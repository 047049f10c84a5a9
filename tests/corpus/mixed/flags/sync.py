"""Sync flag definitions from the flags-as-code repository."""
import logging

import yaml
from django.db import IntegrityError, transaction
from django.db.models import F
from django.forms.models import model_to_dict

from .models import AuditEvent, Environment, Flag, Override, Segment

logger = logging.getLogger(__name__)

SYNCED_FIELDS = ("description", "enabled", "rollout_percentage", "rules")


def load_definitions(path):
    with open(path) as fh:
        return yaml.safe_load(fh) or {}


def apply_flag_definition(environment, key, definition, actor="gitops"):
    flag = environment.flags.filter(key=key).first()
    if flag is None:
        flag = environment.flags.create(key=key, **{f: definition[f] for f in SYNCED_FIELDS if f in definition})
        AuditEvent.objects.create(flag=flag, actor=actor, action="create", after=model_to_dict(flag))
        return flag

    before = model_to_dict(flag)
    changed = False
    for field in SYNCED_FIELDS:
        if field in definition and getattr(flag, field) != definition[field]:
            setattr(flag, field, definition[field])
            changed = True
    if changed:
        flag.version += 1
        flag.save()
        AuditEvent.objects.create(flag=flag, actor=actor, action="update", before=before, after=model_to_dict(flag))
    return flag


def apply_segment_definition(environment, key, rules):
    segment, _ = Segment.objects.update_or_create(environment=environment, key=key, defaults={"rules": rules})
    return segment


def sync_environment(env_key, path):
    definitions = load_definitions(path)
    environment, _ = Environment.objects.get_or_create(key=env_key, defaults={"name": env_key.title()})
    with transaction.atomic():
        for key, rules in definitions.get("segments", {}).items():
            apply_segment_definition(environment, key, rules)
        for key, definition in definitions.get("flags", {}).items():
            apply_flag_definition(environment, key, definition)
        seen = set(definitions.get("flags", {}))
        archived = environment.flags.exclude(key__in=seen).filter(archived=False).update(
            archived=True, version=F("version") + 1
        )
    logger.info("synced %s: %d flags archived", env_key, archived)


def add_override(flag, subject_key, value, expires_at=None):
    if flag.overrides.filter(subject_key=subject_key).exists():
        flag.overrides.filter(subject_key=subject_key).update(value=value, expires_at=expires_at)
        return None
    return flag.overrides.create(subject_key=subject_key, value=value, expires_at=expires_at)


def add_override_strict(flag, subject_key, value):
    try:
        with transaction.atomic():
            return Override.objects.create(flag=flag, subject_key=subject_key, value=value)
    except IntegrityError:
        return Override.objects.get(flag=flag, subject_key=subject_key)


def toggle(flag_id, actor):
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag_id)
        before = model_to_dict(flag)
        flag.enabled = not flag.enabled
        flag.version += 1
        flag.save(update_fields=["enabled", "version"])
        AuditEvent.objects.create(flag=flag, actor=actor, action="toggle", before=before, after=model_to_dict(flag))
    return flag


def bump_rollout(flag_id, step=10):
    flag = Flag.objects.get(pk=flag_id)
    flag.rollout_percentage = min(100, flag.rollout_percentage + step)
    flag.version = F("version") + 1
    flag.save(update_fields=["rollout_percentage", "version"])
    return flag
