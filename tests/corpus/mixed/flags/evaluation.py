"""Flag evaluation engine used by the SDK endpoint and server-side code."""
import hashlib
import logging
import re

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from .models import Flag, Override

logger = logging.getLogger(__name__)

OPERATORS = {
    "eq": lambda a, b: a == b,
    "in": lambda a, b: a in b,
    "gt": lambda a, b: float(a) > float(b),
    "lt": lambda a, b: float(a) < float(b),
    "matches": lambda a, b: re.search(b, str(a)) is not None,
    "semver_gte": lambda a, b: tuple(map(int, str(a).split("."))) >= tuple(map(int, str(b).split("."))),
}


def bucket(flag_key, subject_key):
    digest = hashlib.sha1(f"{flag_key}:{subject_key}".encode()).hexdigest()
    return int(digest[:8], 16) % 100


def rule_matches(rule, context):
    op = OPERATORS.get(rule.get("op"))
    if op is None:
        return False
    attribute = context.get(rule.get("attribute"))
    if attribute is None:
        return False
    try:
        return bool(op(attribute, rule.get("value")))
    except Exception:
        return False


def evaluate(flag, subject_key, context=None):
    context = context or {}
    if flag.archived or not flag.enabled:
        return False
    override = (
        Override.objects.filter(flag=flag, subject_key=subject_key)
        .exclude(expires_at__lt=timezone.now())
        .values_list("value", flat=True)
        .first()
    )
    if override is not None:
        return override
    for rule in flag.rules:
        if rule_matches(rule, context):
            return bool(rule.get("serve", True))
    return bucket(flag.key, subject_key) < flag.rollout_percentage


def evaluate_key(env_key, flag_key, subject_key, context=None, default=False):
    cache_key = f"flag:{env_key}:{flag_key}"
    flag = cache.get(cache_key)
    if flag is None:
        try:
            flag = Flag.objects.get(environment__key=env_key, key=flag_key)
        except Flag.DoesNotExist:
            logger.warning("unknown flag %s/%s, serving default", env_key, flag_key)
            return default
        cache.set(cache_key, flag, 30)
    try:
        result = evaluate(flag, subject_key, context)
    except Exception:
        logger.exception("evaluation of %s failed, serving default", flag_key)
        return default
    _count_evaluation(flag.pk)
    return result


def _count_evaluation(flag_id):
    try:
        Flag.objects.filter(pk=flag_id).update(evaluation_count=F("evaluation_count") + 1)
    except Exception:
        # Evaluation counts are best-effort analytics; a locked row or a
        # read-only replica must never change what the SDK is served.
        pass


def evaluate_all(env_key, subject_key, context=None):
    results = {}
    for flag in Flag.objects.filter(environment__key=env_key, archived=False):
        try:
            results[flag.key] = evaluate(flag, subject_key, context)
        except Exception:
            results[flag.key] = False
    return results


def warm_cache(env_key):
    for flag in Flag.objects.filter(environment__key=env_key, archived=False):
        try:
            cache.set(f"flag:{env_key}:{flag.key}", flag, 30)
        except Exception:
            continue
