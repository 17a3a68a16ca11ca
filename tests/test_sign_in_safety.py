"""Signing in and asking for a reset link reveal nothing about who has an account, and neither
can be used against someone: a guesser is throttled where they guess from, without locking the
real user out; reset requests cannot flood a mailbox or stall the site (mail is sent by the
outbox, never inside the request)."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from gplan.extensions import db, limiter
from gplan.mail.delivery import deliver_pending
from gplan.mail.headers import ACCOUNT_KINDS
from gplan.mail.vocabulary import MailState
from gplan.models import AuditEntry, MailMessage
from gplan.timeutil import LOCAL_TZ
from tests.helpers import PASSWORD, csrf_from, focal_email, submit, user
from tests.smtp import SmtpServer

START = datetime(2026, 6, 1, 8, 0, tzinfo=LOCAL_TZ)
GUESSER = {"REMOTE_ADDR": "203.0.113.66"}
OFFICE = {"REMOTE_ADDR": "10.30.1.15"}
UNKNOWN = "nobody.here@haiduong.gov.vn"


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def smtp(app):
    server = SmtpServer()
    server.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    app.config.update(saved)
    server.stop()


def _sign_in(client, email: str, password: str, address: dict) -> tuple[int, str]:
    token = csrf_from(client.get("/login", environ_base=address).get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": password}, environ_base=address
    )
    return response.status_code, response.get_data(as_text=True)


def _without_tokens(page: str) -> str:
    return re.sub(r'value="[\w-]+\.[\w-]+\.[\w-]+"', "", page)  # CSRF tokens differ per session


def _flash(page: str) -> str:
    return " ".join(re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S))


# ---- sign-in ----------------------------------------------------------------------------


def test_real_and_unknown_accounts_get_the_same_answers(app):
    real, guesser, stranger = focal_email("justice"), app.test_client(), app.test_client()
    with time_machine.travel(START, tick=False):
        for attempt in range(6):
            code_real, page_real = _sign_in(guesser, real, "wrong", GUESSER)
            code_unknown, page_unknown = _sign_in(stranger, UNKNOWN, "wrong", GUESSER)
            assert code_real == code_unknown == 200
            assert _flash(page_real) == _flash(page_unknown), attempt
            assert _without_tokens(page_real).replace(real, UNKNOWN) == _without_tokens(page_unknown)
    assert "Quá nhiều lần nhập sai mật khẩu" in _flash(page_real)
    assert "08:15" in _flash(page_real)  # until when, the same for both


def test_every_sign_in_checks_a_password_hash_known_account_or_not(app, monkeypatch):
    """The time a wrong sign-in takes must not tell whether the account exists: an unknown,
    disabled or not yet activated account costs one hash check like a real one."""
    calls = []
    real_hash = hashlib.pbkdf2_hmac  # the tests hash with pbkdf2 (production: scrypt)

    def counting(*args, **kwargs):
        calls.append(1)
        return real_hash(*args, **kwargs)

    user(focal_email("police")).is_enabled = False
    invited = user(focal_email("finance"))
    invited.password_hash = None
    db.session.commit()
    client = app.test_client()
    _sign_in(client, UNKNOWN, "warm-up", OFFICE)  # the stand-in hash is made once
    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)
    for email in (focal_email("justice"), UNKNOWN, focal_email("police"), focal_email("finance")):
        calls.clear()
        assert _sign_in(client, email, "wrong password", OFFICE)[0] == 200
        assert len(calls) == 1, email


def test_a_guesser_is_stopped_without_locking_out_the_real_user(app):
    email = focal_email("justice")
    guesser, real_user = app.test_client(), app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            _sign_in(guesser, email, "guess", GUESSER)
        code, page = _sign_in(guesser, email, PASSWORD, GUESSER)  # even the right one, from there
        assert code == 200 and "Quá nhiều lần nhập sai mật khẩu" in page
        assert guesser.get("/plans").status_code == 302
        # The real user, at the office, signs in as usual.
        code, _page = _sign_in(real_user, email, PASSWORD, OFFICE)
        assert code == 302 and real_user.get("/plans").status_code == 200
        # The guesser's pause ends by itself.
        clock.shift(timedelta(minutes=16))
        assert _sign_in(guesser, email, PASSWORD, GUESSER)[0] == 302


def test_an_account_wide_ceiling_stops_guessing_from_many_addresses(app):
    email = focal_email("police")
    app.config["SIGN_IN_ACCOUNT_LIMIT"] = "12 per hour"
    try:
        with time_machine.travel(START, tick=False):
            for n in range(12):
                _sign_in(app.test_client(), email, "guess", {"REMOTE_ADDR": f"198.51.100.{n}"})
            code, page = _sign_in(app.test_client(), email, PASSWORD, OFFICE)
            assert code == 200 and "Quá nhiều lần nhập sai mật khẩu" in page
            # An unknown address is refused the same way past the same ceiling.
            for n in range(12):
                _sign_in(app.test_client(), UNKNOWN, "guess", {"REMOTE_ADDR": f"198.51.100.{n}"})
            assert _flash(_sign_in(app.test_client(), UNKNOWN, "x", OFFICE)[1]) == _flash(page)
            # Even then the real user gets in with a reset link.
            submit(app.test_client(), "/forgot-password", {"email": email})
            body = db.session.scalar(select(MailMessage.body_text).where(MailMessage.recipient == email))
            link = re.search(r"http://gplan\.test(/set-password/\S+)", body).group(1)
            them = app.test_client()
            response = submit(
                them, link, {"password": "a brand new password", "confirm": "a brand new password"}
            )
            assert response.status_code == 302 and them.get("/plans").status_code == 200
    finally:
        app.config["SIGN_IN_ACCOUNT_LIMIT"] = "50 per hour"


def test_a_successful_sign_in_forgets_the_earlier_mistakes(app):
    email = focal_email("justice")
    client = app.test_client()
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            _sign_in(client, email, "typo", OFFICE)
        assert _sign_in(client, email, PASSWORD, OFFICE)[0] == 302
        submit(client, "/logout", page="/plans")
        for _ in range(4):
            _sign_in(client, email, "typo", OFFICE)
        assert _sign_in(client, email, PASSWORD, OFFICE)[0] == 302


# ---- reset requests ---------------------------------------------------------------------


def test_a_reset_request_queues_the_mail_and_the_outbox_sends_it(app, smtp):
    smtp.delay = 3  # a slow server: the request must not wait for it
    response = submit(app.test_client(), "/forgot-password", {"email": focal_email("police")})
    assert response.status_code == 302
    assert smtp.received == []  # nothing was sent inside the request
    message = db.session.scalar(select(MailMessage).where(MailMessage.recipient == focal_email("police")))
    assert message.kind == "reset" and message.status == MailState.PENDING
    smtp.delay = 0
    assert deliver_pending(kinds=ACCOUNT_KINDS)[MailState.SENT] == 1  # the scheduler's account-mail job
    (received,) = smtp.to(focal_email("police"))
    assert "/set-password/" in received.text


def test_many_reset_requests_queue_one_mail(app):
    email = focal_email("police")
    with time_machine.travel(START, tick=False) as clock:
        for n in range(30):  # from many addresses, so the per-address limit does not stop them
            response = submit(
                app.test_client(),
                "/forgot-password",
                {"email": email},
                environ_base={"REMOTE_ADDR": f"192.0.2.{n}"},
            )
            assert response.status_code == 302
        count = select(func.count(MailMessage.id)).where(MailMessage.recipient == email)
        assert db.session.scalar(count) == 1
        requests = select(func.count(AuditEntry.id)).where(AuditEntry.action == "password_reset_requested")
        assert db.session.scalar(requests) == 30  # every request is in the audit log
        clock.shift(timedelta(minutes=16))
        submit(app.test_client(), "/forgot-password", {"email": email})
        assert db.session.scalar(count) == 2  # a while later, another link may be asked for


def test_reset_requests_are_limited_per_address(app):
    client = app.test_client()
    codes = [
        submit(client, "/forgot-password", {"email": f"someone{n}@haiduong.gov.vn"}).status_code
        for n in range(7)
    ]
    assert codes == [302] * 5 + [429] * 2
    assert client.get("/forgot-password").status_code == 200  # reading the page is never limited


def test_a_reset_request_answers_the_same_for_unknown_addresses(app):
    answers = []
    for email in (focal_email("police"), UNKNOWN, focal_email("police").upper()):
        client = app.test_client()
        response = submit(client, "/forgot-password", {"email": email})
        answers.append(
            (response.status_code, response.location, _flash(client.get("/login").get_data(as_text=True)))
        )
    assert answers[0] == answers[1] == answers[2]
    assert db.session.scalar(select(MailMessage).where(MailMessage.recipient == UNKNOWN)) is None
