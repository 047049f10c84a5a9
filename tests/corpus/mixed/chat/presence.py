"""User presence tracking backed by Redis sorted sets."""
import json
import logging
import os
import time

import redis

log = logging.getLogger("chat.presence")

PRESENCE_KEY = "presence:online"
TTL_SECONDS = 90

_client = None


def client():
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ.get("CHAT_REDIS_URL", "redis://localhost:6379/2"))
    return _client


def heartbeat(user_id):
    try:
        client().zadd(PRESENCE_KEY, {str(user_id): time.time()})
    except redis.RedisError:
        log.warning("presence heartbeat dropped for %s", user_id, exc_info=True)


def online_users():
    cutoff = time.time() - TTL_SECONDS
    try:
        members = client().zrangebyscore(PRESENCE_KEY, cutoff, "+inf")
    except Exception:
        return []
    return sorted(int(m) for m in members)


def typing_indicator(room_id, user_id):
    try:
        client().setex(f"typing:{room_id}:{user_id}", 5, 1)
    except:
        pass


def decode_status(raw):
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return {"status": "unknown"}


def user_status(user_id):
    raw = client().get(f"status:{user_id}")
    try:
        return decode_status(raw)["status"]
    except Exception:
        return "unknown"


def set_status(user_id, status):
    if status not in {"available", "away", "dnd"}:
        raise ValueError(f"invalid status {status!r}")
    try:
        client().set(f"status:{user_id}", json.dumps({"status": status, "since": time.time()}))
    except Exception as exc:
        raise RuntimeError("presence backend unavailable") from exc


def sweep():
    cutoff = time.time() - TTL_SECONDS
    try:
        removed = client().zremrangebyscore(PRESENCE_KEY, "-inf", cutoff)
    except Exception:
        log.exception("presence sweep failed")
        return 0
    return removed
