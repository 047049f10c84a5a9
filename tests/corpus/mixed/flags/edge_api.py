"""Edge evaluation service (Starlette) that serves flag values to SDKs.

Runs next to the Django admin app and reads flag snapshots exported to S3.
"""
import json
import logging
import os

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

log = logging.getLogger("flags.edge")

SNAPSHOT_URL = os.environ.get("FLAG_SNAPSHOT_URL", "http://localhost:9000/flags/snapshot.json")
_snapshot = {}


class SnapshotUnavailable(Exception):
    pass


async def refresh_snapshot():
    global _snapshot
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.get(SNAPSHOT_URL)
        resp.raise_for_status()
        _snapshot = resp.json()


async def evaluate(request: Request):
    env = request.path_params["env"]
    try:
        body = await request.json()
    except json.JSONDecodeError:
        return JSONResponse({"error": "request body must be JSON"}, status_code=400)
    subject = body.get("subject")
    if not subject:
        return JSONResponse({"error": "subject is required"}, status_code=400)
    flags = _snapshot.get(env)
    if flags is None:
        raise HTTPException(status_code=404, detail="unknown environment")
    return JSONResponse({key: _serve(flag, subject) for key, flag in flags.items()})


def _serve(flag, subject):
    if not flag.get("enabled"):
        return False
    return subject in flag.get("allow", []) or flag.get("rollout", 0) >= 100


async def reload(request: Request):
    try:
        await refresh_snapshot()
    except httpx.HTTPError as exc:
        return JSONResponse({"reloaded": False, "error": f"snapshot fetch failed: {exc}"}, status_code=502)
    return JSONResponse({"reloaded": True, "environments": sorted(_snapshot)})


async def health(request: Request):
    return JSONResponse({"ok": bool(_snapshot)})


async def on_snapshot_unavailable(request: Request, exc: SnapshotUnavailable):
    log.error("snapshot unavailable: %s", exc)
    return JSONResponse({"error": "flag snapshot unavailable, serving defaults"}, status_code=503)


async def on_error(request: Request, exc: Exception):
    log.error("unhandled error", exc_info=exc)
    return JSONResponse({"error": "internal error", "detail": repr(exc)}, status_code=500)


app = Starlette(
    routes=[
        Route("/v1/{env}/evaluate", evaluate, methods=["POST"]),
        Route("/admin/reload", reload, methods=["POST"]),
        Route("/healthz", health),
    ],
    exception_handlers={SnapshotUnavailable: on_snapshot_unavailable, Exception: on_error},
    on_startup=[refresh_snapshot],
)
