"""API blueprints share one URL prefix, the authentication step and JSON error handlers."""

from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

from gplan.api import errors
from gplan.api.auth import authenticate

PREFIX = "/api/v1"


def resource_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=PREFIX, description=description)
    blueprint.before_request(authenticate)
    errors.register(blueprint)
    return blueprint


def documented_errors(blueprint: Blueprint, *codes: int):
    """Document the error answers an operation gives (all with the same JSON body)."""

    def decorator(view):
        for code in codes:
            view = blueprint.alt_response(code, schema=ErrorSchema, description=_DESCRIPTIONS[code])(view)
        return view

    return decorator


_DESCRIPTIONS = {
    400: "Malformed JSON, or a browser-session write without the X-CSRFToken header.",
    401: "Not signed in and no valid API token.",
    403: "Signed in, but not allowed to see or change this.",
    404: "No such resource.",
    409: "The task or figure changed since it was read, or the task is already in that state.",
    413: "The body is larger than the API accepts.",
    415: "The body is not JSON.",
    422: "Wrong types, unknown fields or values out of range.",
}
