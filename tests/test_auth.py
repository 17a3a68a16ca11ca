"""Signing in and out, passwords, invitations and CSRF."""

import re
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import select

from gplan import create_app
from gplan.extensions import db
from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage, User
from gplan.timeutil import LOCAL_TZ
from tests.conftest import app_config
from tests.helpers import ADMIN_EMAIL, PASSWORD, body, focal_email, login, submit, user


def test_login_page_is_vietnamese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in page
    assert "Đăng nhập" in page


def test_pages_need_a_login(client, seed):
    response = client.get(f"/p/{seed.plan_id}/tasks")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_wrong_password_is_refused_and_form_kept(client):
    response = submit(client, "/login", {"email": focal_email("dolisa"), "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sai email hoặc mật khẩu" in page
    assert f'value="{focal_email("dolisa")}"' in page


def test_login_goes_to_my_tasks_and_logout_ends_it(client, seed):
    response = login(client, focal_email("dolisa"))
    assert response.location == "/"
    assert client.get("/").location == f"/p/{seed.plan_id}/tasks"
    stolen = client.get_cookie("session").value
    submit(client, "/logout", page="/plans")
    assert client.get("/plans").status_code == 302
    client.set_cookie("session", stolen)  # a copy of the cookie taken before signing out
    assert client.get("/plans").status_code == 302


def test_login_refuses_a_redirect_to_another_site(client):
    response = client.get("/login?next=//evil.example/")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)
    ).group(1)
    response = client.post(
        "/login?next=//evil.example/",
        data={"email": focal_email("dolisa"), "password": PASSWORD, "csrf_token": token},
    )
    assert response.location == "/"


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"email": focal_email("dolisa"), "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/plans").status_code == 302


def test_change_password_ends_other_sessions(app, client):
    other_device = app.test_client()
    login(client, focal_email("finance"))
    login(other_device, focal_email("finance"))
    new_password = "a much longer secret"
    response = submit(
        client, "/password", {"current": PASSWORD, "password": new_password, "confirm": new_password}
    )
    assert response.status_code == 302
    assert client.get("/plans").status_code == 200
    assert other_device.get("/plans").status_code == 302  # the old cookie no longer works
    assert user(focal_email("finance")).check_password(new_password)


def test_change_password_keeps_the_form_on_error(client):
    login(client, focal_email("finance"))
    response = submit(client, "/password", {"current": "wrong", "password": "short", "confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mật khẩu phải có từ 10 đến 200 ký tự." in page
    assert "Hai mật khẩu không khớp nhau." in page
    response = submit(
        client, "/password", {"current": "wrong", "password": "long enough now", "confirm": "long enough now"}
    )
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    assert user(focal_email("finance")).check_password(PASSWORD)


def _last_link(recipient: str) -> str:
    message = db.session.scalar(
        select(MailMessage).where(MailMessage.recipient == recipient).order_by(MailMessage.id.desc())
    )
    assert message is not None, f"no mail to {recipient}"
    return re.search(r"http://gplan\.test(/set-password/\S+)", message.body_text).group(1)


def test_admin_invites_a_focal_point_who_sets_a_password(app, client):
    login(client, ADMIN_EMAIL)
    health = body("health")
    response = submit(
        client,
        "/admin/users/new",
        {
            "name": "Trần Văn Y Tế",
            "email": "yte2@haiduong.gov.vn",
            "role": "focal_point",
            "body": health.id,
            "locale": "vi",
        },
    )
    assert response.status_code == 200  # no mail server: the link is shown to the admin
    invited = user("yte2@haiduong.gov.vn")
    assert invited.body_id == health.id and invited.password_hash is None
    message = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "yte2@haiduong.gov.vn"))
    assert message.status == MailState.HELD  # no SMTP server configured: kept in the in-app outbox
    assert "Trần Văn Y Tế" in message.body_text and message.body_html
    link = _last_link("yte2@haiduong.gov.vn")

    newcomer = app.test_client()
    response = submit(newcomer, link, {"password": "mật khẩu thật dài", "confirm": "mật khẩu thật dài"})
    assert response.status_code == 302
    assert newcomer.get("/").status_code == 302  # signed in: redirected to the task list
    assert newcomer.get(link).status_code == 404  # a link works once


def test_invitation_link_expires(app, client):
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=LOCAL_TZ), tick=False):
        login(client, ADMIN_EMAIL)
        submit(
            client,
            "/admin/users/new",
            {
                "name": "Người Mới",
                "email": "late@haiduong.gov.vn",
                "role": "observer",
                "body": 0,
                "locale": "en",
            },
        )
        link = _last_link("late@haiduong.gov.vn")
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=LOCAL_TZ) + timedelta(hours=71), tick=False):
        early = app.test_client().get(link)
        assert early.status_code == 200 and 'name="password"' in early.get_data(as_text=True)
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=LOCAL_TZ) + timedelta(hours=73), tick=False):
        page = app.test_client().get(link)
    assert page.status_code == 404


def test_invite_form_keeps_input_and_names_the_problem(client):
    login(client, ADMIN_EMAIL)
    response = submit(
        client,
        "/admin/users/new",
        {"name": "Trùng Lặp", "email": focal_email("dolisa"), "role": "observer", "body": 0, "locale": "vi"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Trùng Lặp"' in page
    assert "Đã có tài khoản dùng địa chỉ email này" in page


def test_focal_point_needs_a_body(client):
    login(client, ADMIN_EMAIL)
    response = submit(
        client,
        "/admin/users/new",
        {
            "name": "Không Cơ Quan",
            "email": "nobody@haiduong.gov.vn",
            "role": "focal_point",
            "body": 0,
            "locale": "vi",
        },
    )
    assert response.status_code == 200
    assert user("nobody@haiduong.gov.vn") is None


def test_forgot_password_sends_a_link_without_revealing_accounts(client):
    response = submit(client, "/forgot-password", {"email": focal_email("police")})
    assert response.status_code == 302
    assert _last_link(focal_email("police"))
    response = submit(client, "/forgot-password", {"email": "stranger@haiduong.gov.vn"})
    assert response.status_code == 302
    assert (
        db.session.scalar(select(MailMessage).where(MailMessage.recipient == "stranger@haiduong.gov.vn"))
        is None
    )


def test_language_switch_to_english(client):
    login(client, focal_email("dolisa"))
    response = submit(client, "/language/en", {"next": "/plans"}, page="/plans")
    assert response.location == "/plans"
    assert "Sign out" in client.get("/plans").get_data(as_text=True)
    assert user(focal_email("dolisa")).locale == "en"


def test_production_hashes_passwords_with_scrypt(tmp_path):
    """The tests hash with a fast method (see conftest); production must keep scrypt."""
    config = app_config("sqlite://", tmp_path)
    del config["PASSWORD_HASH_METHOD"]
    with create_app(config).app_context():
        account = User(email="x@haiduong.gov.vn", name="X", role="observer")
        account.set_password("a long enough password")
    assert account.password_hash.startswith("scrypt:")
    assert account.check_password("a long enough password") and not account.check_password("wrong")
