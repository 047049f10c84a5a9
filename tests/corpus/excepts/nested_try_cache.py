import json
import logging

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

_client = None


def get_client():
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5)
    return _client


def cached_profile(user_id, loader):
    key = "profile:%s" % user_id
    try:
        raw = get_client().get(key)
        if raw is not None:
            return json.loads(raw)
        profile = loader(user_id)
        try:
            get_client().setex(key, 300, json.dumps(profile))
        except Exception:
            pass
        return profile
    except redis.ConnectionError:
        logger.warning("redis unavailable, loading profile %s directly", user_id)
        return loader(user_id)


def invalidate_profile(user_id):
    key = "profile:%s" % user_id
    try:
        try:
            get_client().delete(key)
        except redis.TimeoutError:
            get_client().delete(key)
    except Exception:
        logger.exception("failed to invalidate profile cache for %s", user_id)
