"""HTTP API for the chat service (Flask)."""
import logging
import os

from flask import Flask, abort, g, jsonify, make_response, request
from pymysql.err import OperationalError
from werkzeug.exceptions import HTTPException

from . import presence
from .storage import MessageStore, RoomNotFound

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
log = logging.getLogger("chat.api")


class ChatError(Exception):
    """Errors whose message is meant for the end user."""

    status_code = 400

    def __init__(self, message, status_code=None):
        super().__init__(message)
        if status_code is not None:
            self.status_code = status_code


def get_store():
    if "store" not in g:
        g.store = MessageStore.from_env()
    return g.store


@app.teardown_appcontext
def close_store(_exc):
    store = g.pop("store", None)
    if store is not None:
        store.close()


@app.errorhandler(ChatError)
def handle_chat_error(err):
    return jsonify(error=str(err)), err.status_code


@app.errorhandler(HTTPException)
def handle_http_error(err):
    return jsonify(error=err.name, description=err.description), err.code


@app.errorhandler(Exception)
def handle_unexpected(err):
    log.exception("unhandled error")
    return jsonify(error="internal_error", message=str(err)), 500


@app.post("/rooms/<room_id>/messages")
def post_message(room_id):
    body = request.get_json(silent=True) or {}
    text = (body.get("text") or "").strip()
    if not text:
        raise ChatError("Message text is required.")
    if len(text) > 4000:
        raise ChatError("Messages are limited to 4000 characters.")
    try:
        message_id = get_store().add_message(room_id, g.get("user_id"), text)
    except RoomNotFound:
        abort(404, description="Room not found.")
    except OperationalError as exc:
        log.error("message store unavailable: %s", exc)
        abort(503, description=str(exc))
    return jsonify(id=message_id), 201


@app.get("/rooms/<room_id>/messages")
def list_messages(room_id):
    try:
        before = int(request.args.get("before", 0)) or None
    except ValueError as exc:
        abort(400, description=f"invalid 'before' parameter: {exc}")
    try:
        messages = get_store().recent_messages(room_id, before=before)
    except RoomNotFound:
        abort(404, description="Room not found.")
    return jsonify(messages=messages)


@app.get("/rooms/<room_id>/export")
def export_room(room_id):
    try:
        lines = get_store().export(room_id)
    except Exception as exc:
        resp = make_response("export failed: %s" % exc, 500)
        resp.mimetype = "text/plain"
        return resp
    resp = make_response("\n".join(lines))
    resp.mimetype = "text/plain"
    return resp


@app.get("/presence")
def who_is_online():
    return jsonify(users=presence.online_users())


@app.get("/healthz")
def healthz():
    try:
        get_store().ping()
    except Exception:
        log.warning("health check: database ping failed", exc_info=True)
        return jsonify(status="degraded"), 503
    return jsonify(status="ok", version=os.environ.get("CHAT_VERSION", "dev"))
