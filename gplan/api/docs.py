"""The browsable API documentation (Swagger UI served from its pip package), and /healthz."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from swagger_ui_bundle import swagger_ui_path

from gplan.extensions import db

bp = Blueprint("api_pages", __name__)

# Only what the page loads: Swagger UI, Apache-2.0, vendored as the swagger-ui-bundle package.
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}


@bp.get("/api/v1/docs")
def docs():
    return render_template("api/docs.html")


@bp.get("/api/v1/docs/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), name, max_age=86400)


@bp.get("/api/v1/docs/assets/LICENSE")
def licence():
    from importlib.metadata import distribution

    text_ = distribution("swagger-ui-bundle").read_text("LICENSE") or ""
    return current_app.response_class(text_, mimetype="text/plain")


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("healthz: the database is unreachable")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
