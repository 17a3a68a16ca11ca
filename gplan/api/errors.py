"""Errors under /api as JSON with the right status, never an HTML page."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from gplan.accounts.access import AccessDenied
from gplan.extensions import db
from gplan.validation import Conflict, InputError

PREFIXES = ("/api/",)


def is_api_request() -> bool:
    return request.path.startswith(PREFIXES)


def _messages() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood."),
        401: gettext("Sign in, or send a personal API token as 'Authorization: Bearer <token>'."),
        403: gettext("You do not have permission to see or change this."),
        404: gettext("There is no such resource, or it is not available to you."),
        405: gettext("This method is not allowed here."),
        409: gettext("Someone else changed this at the same moment. Read it again and retry."),
        413: gettext("The request body is too large."),
        415: gettext("Send the body as JSON, with 'Content-Type: application/json'."),
        422: gettext("The request was understood but some values are not valid."),
        500: gettext("Something went wrong on our side. Nothing was saved; please try again."),
    }


def error_response(code: int, message: str | None = None, errors: dict | None = None, headers=None):
    """A JSON error body shaped like flask-smorest's documented ErrorSchema."""
    payload = {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Error"),
        "message": message or _messages().get(code, gettext("An error occurred.")),
    }
    if errors:
        payload["errors"] = errors
    response = jsonify(payload)
    response.status_code = code
    for name, value in headers or []:
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def json_error(error: HTTPException):
    """Answer an HTTP error raised anywhere under /api (webargs puts field errors in ``data``)."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    headers += list((data.get("headers") or {}).items())
    return error_response(code, data.get("message"), errors, headers)


def input_error_response(error: InputError):
    """A domain function's refusal as 422, its fields placed like webargs' (path, json, query)."""
    db.session.rollback()
    errors: dict[str, dict[str, list[str]]] = {}
    for name, messages in error.fields.items():
        in_body = "json" if request.is_json else "query"
        location = "path" if name in (request.view_args or {}) else in_body
        errors.setdefault(location, {})[name] = messages
    return error_response(422, error.message, errors)


def register(blueprint) -> None:
    """Error handlers for one API blueprint: every error raised in its views becomes JSON."""

    @blueprint.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(
            400,
            gettext(
                "Missing or wrong CSRF token: a request signed in by the browser session must send "
                "the page's token in the X-CSRFToken header (or use an API token)."
            ),
        )

    @blueprint.errorhandler(HTTPException)
    def _http(error):
        return json_error(error)

    @blueprint.errorhandler(InputError)
    def _input(error):
        return input_error_response(error)

    @blueprint.errorhandler(AccessDenied)
    def _denied(error):
        db.session.rollback()
        return error_response(403)

    @blueprint.errorhandler(StaleDataError)
    def _stale(error):
        db.session.rollback()
        return error_response(409)

    @blueprint.errorhandler(Conflict)
    def _conflict(error):
        db.session.rollback()
        return error_response(409, error.message)

    @blueprint.errorhandler(InternalServerError)
    def _server_error(error):
        db.session.rollback()
        current_app.logger.error("Unhandled API error on %s %s", request.method, request.path)
        return error_response(500)
