import logging

from flask import Blueprint, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .schemas import OrderSchema
from .service import create_order

bp = Blueprint("api", __name__, url_prefix="/api")
log = logging.getLogger(__name__)


@bp.errorhandler(HTTPException)
def handle_http_error(e):
    return jsonify(error=e.name, message=e.description), e.code


@bp.app_errorhandler(Exception)
def handle_unexpected(e):
    if isinstance(e, HTTPException):
        return e
    log.exception("unhandled exception on %s", request.path)
    payload = {"error": "internal_server_error"}
    if current_app.debug:
        payload["detail"] = repr(e)
    return jsonify(payload), 500


@bp.route("/orders", methods=["POST"])
def post_order():
    try:
        data = OrderSchema().load(request.get_json(force=True) or {})
    except ValidationError as err:
        return jsonify(errors=err.messages), 422
    order = create_order(data)
    return jsonify(OrderSchema().dump(order)), 201
