"""gplan: turns a government action plan into dated work that gets done."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from gplan.config import load_config
from gplan.timeutil import parse_day, simulate_today

ROOT = Path(__file__).resolve().parent.parent
FORM_MARGIN_BYTES = 2 * 1024 * 1024  # the rest of a form that carries an evidence file


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, CLI — in that order."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("GPLAN_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    register_config(app, test_config)
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    # Room above the evidence limit so an oversized file is refused by the form, with the
    # rest of what the user typed kept, instead of by a bare 413. Anything larger is refused
    # before its body is read. (Flask defines the key as None, so setdefault would do nothing.)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["EVIDENCE_MAX_BYTES"] + FORM_MARGIN_BYTES
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    if simulated := app.config.get("GPLAN_TODAY"):
        try:
            simulate_today(app, parse_day(simulated))
        except ValueError:
            raise RuntimeError(
                f"GPLAN_TODAY={simulated!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)"
            ) from None
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def register_extensions(app: Flask) -> None:
    from gplan import models  # noqa: F401  (registers the tables with the metadata)
    from gplan.extensions import babel, csrf, db, login_manager, mail, migrate
    from gplan.i18n import select_locale
    from gplan.sqlite import enable_sqlite_pragmas

    db.init_app(app)
    with app.app_context():
        enable_sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "translations"),
        default_timezone="Asia/Ho_Chi_Minh",
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from gplan.blueprints.auth.session import load_user, unauthorized_message

    login_manager.user_loader(load_user)
    login_manager.localize_callback = unauthorized_message


def register_security(app: Flask) -> None:
    from gplan.security import register

    register(app)


def register_blueprints(app: Flask) -> None:
    from gplan.blueprints.admin import bp as admin_bp
    from gplan.blueprints.auth import bp as auth_bp
    from gplan.blueprints.coordinator import bp as coordinator_bp
    from gplan.blueprints.focal import bp as focal_bp
    from gplan.blueprints.plans import bp as plans_bp
    from gplan.blueprints.profile import bp as profile_bp
    from gplan.reminders.views import bp as reminders_bp

    for blueprint in (auth_bp, plans_bp, focal_bp, admin_bp, reminders_bp, profile_bp, coordinator_bp):
        app.register_blueprint(blueprint)
    from gplan.api import init_api

    init_api(app)


def register_errorhandlers(app: Flask) -> None:
    from gplan.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from gplan.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from gplan.cli import register

    register(app)
