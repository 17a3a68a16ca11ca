"""Administering users in the browser: create, edit role and body, disable, password links."""

import re

from sqlalchemy import select

from gplan.accounts.users import create_user
from gplan.extensions import db
from gplan.models import AuditEntry, MailMessage, User
from tests.api_support import token_for
from tests.helpers import ADMIN_EMAIL, OBSERVER_EMAIL, PASSWORD, body, focal_email, login, submit, user


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_admin_creates_and_invites_a_focal_point(client):
    login(client, ADMIN_EMAIL)
    response = submit(
        client,
        "/admin/users/new",
        {
            "name": "Nguyễn Thị Lan",
            "email": "lan@example.org",
            "role": "focal_point",
            "body": body("justice").id,
            "locale": "vi",
        },
    )
    assert response.status_code == 200  # no mail server: the link is shown to the admin
    created = user("lan@example.org")
    assert created.role == "focal_point" and created.body.key == "justice" and created.password_hash is None
    mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "lan@example.org"))
    assert mail.kind == "invite" and "/set-password/" in mail.body_text
    assert [entry.actor_email for entry in _audit("user_created") if entry.subject_id == created.id] == [
        ADMIN_EMAIL
    ]
    assert "Nguyễn Thị Lan" in client.get("/admin/users").get_data(as_text=True)


def test_a_failed_form_keeps_what_was_typed(client):
    create_user(email="b@example.org", name="B", role="observer")
    login(client, ADMIN_EMAIL)
    data = {"name": "Trần Văn B", "email": "B@example.org", "role": "observer", "body": 0, "locale": "vi"}
    response = submit(client, "/admin/users/new", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Trần Văn B" in page and "Đã có tài khoản dùng địa chỉ email này" in page


def test_admin_changes_role_and_body(client, app):
    login(client, ADMIN_EMAIL)
    target = user(focal_email("health"))
    response = submit(
        client,
        f"/admin/users/{target.id}",
        {"name": target.name, "role": "focal_point", "body": body("finance").id, "locale": "vi"},
    )
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.body.key == "finance"
    entry = _audit("role_changed")[0]
    assert entry.details == {
        "before": {"role": "focal_point", "body": "health"},
        "after": {"role": "focal_point", "body": "finance"},
    }
    moved = app.test_client()
    login(moved, focal_email("health"))
    listed = moved.get("/api/v1/tasks?per_page=5").get_json()["items"]
    assert {t["body"]["key"] for t in listed} == {"finance"}


def test_a_focal_point_needs_a_body_and_an_admin_keeps_their_role(client):
    login(client, ADMIN_EMAIL)
    target = user(OBSERVER_EMAIL)
    response = submit(
        client,
        f"/admin/users/{target.id}",
        {"name": target.name, "role": "focal_point", "body": 0, "locale": "vi"},
    )
    assert response.status_code == 200 and "Đầu mối phải thuộc một cơ quan" in response.get_data(as_text=True)
    me = user(ADMIN_EMAIL)
    response = submit(
        client, f"/admin/users/{me.id}", {"name": me.name, "role": "observer", "body": 0, "locale": "vi"}
    )
    assert "không thể tự thay đổi vai trò" in response.get_data(as_text=True)
    db.session.refresh(target)
    db.session.refresh(me)
    assert (target.role, me.role) == ("observer", "admin")


def test_disabling_ends_sessions_and_tokens_at_once(client, app):
    victim_email = focal_email("health")
    victim = app.test_client()
    login(victim, victim_email)
    secret = token_for(victim_email)
    assert victim.get("/api/v1/me").status_code == 200
    login(client, ADMIN_EMAIL)
    target = user(victim_email)
    response = submit(client, f"/admin/users/{target.id}/disable", page=f"/admin/users/{target.id}")
    assert response.status_code == 302
    assert victim.get("/api/v1/me").status_code == 401
    assert victim.get("/").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    again = app.test_client()
    page = submit(again, "/login", {"email": victim_email, "password": PASSWORD})
    assert page.status_code == 200 and "Sai email hoặc mật khẩu" in page.get_data(as_text=True)
    assert _audit("user_disabled")[0].subject_id == target.id
    assert _audit("login_failed")[-1].actor_email == victim_email

    submit(client, f"/admin/users/{target.id}/enable", page=f"/admin/users/{target.id}")
    login(again, victim_email)
    # Re-enabling does not bring back the revoked token.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_an_admin_cannot_disable_themselves(client):
    login(client, ADMIN_EMAIL)
    me = user(ADMIN_EMAIL)
    submit(client, f"/admin/users/{me.id}/disable", page=f"/admin/users/{me.id}")
    db.session.refresh(me)
    assert me.is_enabled


def test_reset_link_by_email_sets_a_new_password(client, app):
    login(client, ADMIN_EMAIL)
    target = user(focal_email("police"))
    response = submit(client, f"/admin/users/{target.id}/reset", page=f"/admin/users/{target.id}")
    assert response.status_code == 200
    mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == target.email))
    assert mail.kind == "reset"
    link = re.search(r"http://gplan\.test(/set-password/\S+)", mail.body_text).group(1)
    them = app.test_client()
    done = submit(them, link, {"password": "a brand new secret", "confirm": "a brand new secret"})
    assert done.status_code == 302
    assert db.session.get(User, target.id).check_password("a brand new secret")
    assert _audit("password_reset_sent")[0].subject_id == target.id


def test_logins_are_audited(client, app):
    login(client, OBSERVER_EMAIL)
    submit(app.test_client(), "/login", {"email": "nobody@gplan.test", "password": "guess"})
    assert _audit("login")[0].actor_email == OBSERVER_EMAIL
    assert _audit("login_failed")[0].actor_email == "nobody@gplan.test"
