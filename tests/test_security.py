"""Hardening: headers, session timeouts, lockout after wrong passwords, login throttling."""

import os
import re
import uuid
from datetime import datetime, timedelta

import pytest
import time_machine

from gplan.extensions import limiter
from gplan.timeutil import LOCAL_TZ
from tests.helpers import csrf_from, focal_email, login, submit

START = datetime(2026, 6, 1, 8, 0, tzinfo=LOCAL_TZ)
REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/login", base_url="https://gplan.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_carry_no_inline_scripts_or_styles(client, seed):
    login(client, focal_email("dolisa"))
    for path in ("/plans", f"/p/{seed.plan_id}/", f"/p/{seed.plan_id}/tasks", "/password"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " style=" not in page and "<style" not in page, path


def test_session_cookie_flags(client):
    response = submit(client, "/login", {"email": focal_email("dolisa"), "password": "wrong"})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_idle_session_ends(client):
    with time_machine.travel(START, tick=False) as clock:
        login(client, focal_email("dolisa"))
        assert client.get("/plans").status_code == 200
        clock.shift(timedelta(minutes=119))
        assert client.get("/plans").status_code == 200
        clock.shift(timedelta(minutes=121))
        response = client.get("/plans")
        assert response.status_code == 302 and response.location.startswith("/login")
        assert client.get("/plans").status_code == 302


def test_the_idle_clock_moves_once_a_minute_not_with_every_page(client):
    with time_machine.travel(START, tick=False) as clock:
        login(client, focal_email("dolisa"))
        client.get("/plans")  # the first page after signing in keeps its form token
        clock.shift(timedelta(seconds=30))
        assert "Set-Cookie" not in client.get("/plans").headers  # nothing new to say
        clock.shift(timedelta(seconds=31))
        assert "session=" in client.get("/plans").headers.get("Set-Cookie", "")
        # Idle from the last move of the clock: 120 minutes later the session has ended.
        clock.shift(timedelta(minutes=119, seconds=59))
        assert client.get("/plans").status_code == 200
        clock.shift(timedelta(minutes=121))
        assert client.get("/plans").status_code == 302


def test_absolute_session_limit(client):
    with time_machine.travel(START, tick=False) as clock:
        login(client, focal_email("dolisa"))
        for _ in range(13):
            clock.shift(timedelta(hours=1))
            response = client.get("/plans")
        assert response.status_code == 302


def test_locked_user_can_get_back_in_with_a_reset_link(app, client):
    from sqlalchemy import select

    from gplan.extensions import db
    from gplan.models import MailMessage

    email = focal_email("police")
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            submit(client, "/login", {"email": email, "password": "wrong"})
        submit(client, "/forgot-password", {"email": email})
        body = db.session.scalar(select(MailMessage.body_text).where(MailMessage.recipient == email))
        link = re.search(r"http://gplan\.test(/set-password/\S+)", body).group(1)
        response = submit(
            client, link, {"password": "a brand new password", "confirm": "a brand new password"}
        )
        assert response.status_code == 302
        assert client.get("/plans").status_code == 200


def test_login_attempts_are_throttled(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        codes = [
            client.post(
                "/login", data={"csrf_token": token, "email": f"x{i}@haiduong.gov.vn", "password": "x"}
            ).status_code
            for i in range(5)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]
    assert client.get("/login").status_code == 200  # reading the page is never throttled


def test_a_nul_character_anywhere_is_a_clear_400(client, seed):
    login(client, focal_email("dolisa"))
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    assert client.get(f"/p/{seed.plan_id}/tasks?year=\x00").status_code == 400
    response = client.post("/profile/tokens", data={"csrf_token": token, "name": "a\x00b"})
    assert response.status_code == 400 and "Lỗi 400" in response.get_data(as_text=True)
    api = client.get("/api/v1/tasks?body=\x00")
    assert api.status_code == 400 and api.mimetype == "application/json"


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (.ci/run sets it where it starts Redis)")
def test_sign_in_limits_are_shared_by_all_workers(app, databases, tmp_path):
    """Two app processes (gunicorn workers) counting in one Redis: the limit holds across both.

    The Redis server may be shared: the test writes under a key prefix of its own and deletes
    only those keys."""
    import redis

    from gplan import create_app
    from gplan.extensions import db
    from tests.conftest import app_config

    prefix = f"gplan-test-{uuid.uuid4().hex}"
    server = redis.Redis.from_url(REDIS_URL)
    config = app_config(databases.new(), tmp_path) | {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix},
        "LOGIN_RATE_LIMIT": "4 per minute",
    }
    try:
        apps = [create_app(config), create_app(config)]
        with apps[0].app_context():
            db.create_all()
        workers = [worker.test_client() for worker in apps]
        codes = []
        for attempt in range(6):
            client = workers[attempt % 2]
            token = csrf_from(client.get("/login").get_data(as_text=True))
            response = client.post(
                "/login", data={"csrf_token": token, "email": "x@haiduong.gov.vn", "password": "x"}
            )
            codes.append(response.status_code)
        assert list(server.scan_iter(f"{prefix}:*")), "nothing was counted in Redis"
    finally:
        own = list(server.scan_iter(f"{prefix}:*"))
        if own:
            server.delete(*own)
        limiter.init_app(app)  # the limiter is shared: give the session app its own storage back
    assert codes == [200, 200, 200, 200, 429, 429]


def test_wrong_password_throttle_is_shared_by_all_workers(databases, tmp_path):
    """The per (address, email) count lives in the same Redis: guessing in turn through two
    workers is stopped after the threshold, as through one."""
    import redis

    from gplan import create_app
    from gplan.extensions import db
    from tests.conftest import app_config

    url = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(url).flushdb()
    config = app_config(databases.new(), tmp_path) | {"RATELIMIT_STORAGE_URI": url, "LOCKOUT_THRESHOLD": 3}
    apps = [create_app(config), create_app(config)]
    with apps[0].app_context():
        db.create_all()
    workers = [app.test_client() for app in apps]
    pages = []
    for attempt in range(4):
        client = workers[attempt % 2]
        token = csrf_from(client.get("/login").get_data(as_text=True))
        data = {"csrf_token": token, "email": "someone@haiduong.gov.vn", "password": f"guess {attempt}"}
        pages.append(client.post("/login", data=data).get_data(as_text=True))
    redis.Redis.from_url(url).flushdb()
    assert ["Quá nhiều lần nhập sai mật khẩu" in page for page in pages] == [False, False, True, True]
