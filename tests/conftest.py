"""Test fixtures: one database per run (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the Hải Dương plan and its accounts loaded once, and a rollback around every test."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from flask import current_app
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gplan import create_app
from gplan.extensions import db
from tests.helpers import PASSWORD, Seed, seed_plan_and_accounts
from tests.smtp import SmtpServer

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

# The server's clock zone is never the province's: code that takes "today" from the process
# (date.today(), naive now()) instead of gplan.timeutil gets a different day on most evenings
# and mornings here, and a test near midnight catches it.
SERVER_TZ = "America/New_York"
os.environ["TZ"] = SERVER_TZ
time.tzset()

_extract_destination = time_machine.extract_timestamp_tzname


def _instant_only(destination):
    """time-machine moves the process to the zone of a destination written with a ZoneInfo
    (``datetime(…, tzinfo=LOCAL_TZ)``), which would make the server's zone Vietnam's again
    and hide the bugs above; travel to the instant alone, keeping the server's zone."""
    timestamp_ns, _zone = _extract_destination(destination)
    return timestamp_ns, None


time_machine.extract_timestamp_tzname = _instant_only


def _postgres_url(base: str) -> str:
    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


class Databases:
    """Creates throw-away databases: files for SQLite, fresh databases on the PostgreSQL server.

    Every run gets its own databases, so several runs can share one server.
    """

    def __init__(self, tmp_dir: Path):
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    def new(self) -> str:
        name = f"gplan_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        if not TEST_DATABASE_URL:
            return f"sqlite:///{self.tmp_dir / (name + '.db')}"
        admin = create_engine(_postgres_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return (
            make_url(_postgres_url(TEST_DATABASE_URL))
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = create_engine(_postgres_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    manager = Databases(tmp_path_factory.mktemp("db"))
    yield manager
    manager.drop_all()


def app_config(database_url: str, tmp_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_dir / "uploads"),
        "BASE_URL": "http://gplan.test",
        "MAIL_SERVER": "",
        "MAIL_DEFAULT_SENDER": "gplan@gplan.test",
        "EVIDENCE_MAX_BYTES": 200 * 1024,
        "MAX_CONTENT_LENGTH": 400 * 1024,
        "DUE_DAYS": {},
        # Tests sign in hundreds of times from one address; test_security checks the limit itself.
        "LOGIN_RATE_LIMIT": "10000 per minute",
        # scrypt, deliberately slow, took a third of the suite's time; test_auth checks that
        # production uses it.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }


class RequestIsolatingClient(FlaskClient):
    """Each request gets its own app context (its own ``g`` and database session), as in
    production, even though the test itself runs inside an app context. After a request the
    test's own objects are expired, so assertions see what the request committed."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if _cv_app.get(None) is not None:
                # What the test holds was read before the request changed it: read it again.
                db.session.expire_all()


@pytest.fixture(scope="session")
def app(databases, tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("instance")
    os.environ["GPLAN_INSTANCE"] = str(tmp_dir)
    application = create_app(app_config(databases.new(), tmp_dir))
    application.test_client_class = RequestIsolatingClient
    with application.app_context():
        db.create_all()
    return application


@pytest.fixture(scope="session")
def seed(app) -> Seed:
    """The Hải Dương plan (2016–2020) and one account per role and per body, committed once."""
    with app.app_context():
        result = seed_plan_and_accounts()
        db.session.commit()
        db.session.remove()
    return result


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy picks the engine itself; a test session must use the test's connection.

    Only for the session app: an app a test builds on a database of its own (``fresh_app``)
    keeps its own engine.
    """

    bound_app = None

    def get_bind(self, *args, **kwargs):
        if current_app._get_current_object() is self.bound_app:
            return self.bind
        return super().get_bind(*args, **kwargs)


@pytest.fixture(autouse=True)
def _rollback(app, seed):
    """Run each test inside a transaction that is rolled back, so tests never see each other."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        ConnectionBoundSession.bound_app = app
        db.session = db._make_scoped_session(
            {
                "class_": ConnectionBoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Each test starts with no sign-in or reset attempts counted (the limiter's memory storage
    lives as long as the session's app)."""
    from gplan.extensions import limiter

    with app.app_context():
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fresh_app(databases, tmp_path):
    """An app on a database of its own, without the rollback wrapper: for tests that need
    real commits from several connections, threads or processes."""
    application = create_app(app_config(databases.new(), tmp_path))
    application.test_client_class = RequestIsolatingClient
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for this test, recording what it accepts."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


__all__ = ["PASSWORD"]
