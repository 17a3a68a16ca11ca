"""The browsable API documentation (Swagger UI served from its pip package), and /healthz."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, abort, current_app, jsonify, render_template, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from gplan.extensions import db

bp = Blueprint("api_pages", __name__)

# Only what the page loads: Swagger UI's own dist files (Apache-2.0), as the flask-swagger-ui
# package ships them (its blueprint, with an inline script, is not used: the CSP forbids it).
SWAGGER_UI = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}


@bp.get("/api/v1/docs")
def docs():
    return render_template("api/docs.html")


@bp.get("/api/v1/docs/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_UI, name, max_age=86400)


@bp.get("/api/v1/docs/assets/LICENSE")
def licence():
    text_ = (SWAGGER_UI / "LICENSE").read_text(encoding="utf-8")
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
