"""The JSON API under /api/v1, described by an OpenAPI 3 document generated from the code."""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api

from gplan.extensions import csrf

API_MAX_BODY_BYTES = 64 * 1024


class GplanApi(Api):
    """flask-smorest's Api without its app-wide error handler: the web pages keep their HTML
    errors, and the API blueprints answer in JSON (see errors.py)."""

    def _register_error_handlers(self):
        pass


api = GplanApi()


def nullable_reference(self, field, ret: dict, **_kwargs) -> dict:
    """A nested object that may be null, written the way client generators type it.

    OpenAPI 3.0 has no null type; apispec writes ``anyOf: [{type: object, nullable}, {$ref}]``,
    which generators turn into an untyped object. ``allOf: [{$ref}]`` with ``nullable: true``
    gives "the referenced class, or None"."""
    choices = ret.get("anyOf")
    if not field.allow_none or not choices or {"type": "object", "nullable": True} not in choices:
        return {}
    references = [choice for choice in choices if "$ref" in choice]
    if len(references) != 1 or len(choices) != 2:
        return {}
    del ret["anyOf"]
    return {"allOf": references, "nullable": True}


def init_api(app: Flask) -> None:
    from gplan.api.docs import bp as docs_bp
    from gplan.api.resources import (
        account,
        drafts,
        plans,
        progress,
        reports,
        requests,
        review,
        targets,
        tasks,
    )

    app.config.setdefault("API_MAX_BODY_BYTES", API_MAX_BODY_BYTES)
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False  # Vietnamese letters go out as UTF-8, not as escapes
    app.config.update(
        API_TITLE="gplan",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Plans, bodies, responsibilities, dated tasks and their progress, targets and "
                    "their yearly figures. Authenticate with a personal API token "
                    "(`Authorization: Bearer <token>`, created on your profile page) or, from the "
                    "browser, with your session — then writes need the `X-CSRFToken` header. "
                    "Errors are JSON: `{code, status, message, errors}`."
                )
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
                }
            },
            "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        },
    )
    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(nullable_reference)
    for module in (account, plans, tasks, review, targets, progress, reports, requests, drafts):
        # Token requests carry no cookie to forge; session writes are checked in auth.authenticate.
        csrf.exempt(module.bp)
        api.register_blueprint(module.bp)
    app.register_blueprint(docs_bp)
