"""What the admin is told about invitation and reset mails is true: "queued" until the mail
server accepted the mail, and without a mail server (the demo) the link itself, shown once,
so that a newcomer can still be brought in."""

from __future__ import annotations

import re
import socket
from html import unescape

import pytest
from sqlalchemy import select

from gplan.extensions import db
from gplan.mail.delivery import deliver_pending
from gplan.mail.headers import ACCOUNT_KINDS
from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage
from tests.helpers import ADMIN_EMAIL, body, focal_email, login, submit, user
from tests.smtp import SmtpServer

NEWCOMER = {"name": "Phạm Thị Hoa", "email": "hoa@haiduong.gov.vn", "role": "focal_point", "locale": "vi"}
SENT_WORDS = ("Đã gửi", "đã được gửi", "was emailed", "was invited", "sent")


@pytest.fixture
def smtp(app):
    server = SmtpServer()
    server.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    app.config.update(saved)
    server.stop()


@pytest.fixture
def mail_server_down(app):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    yield
    app.config.update(saved)


def _flash(page: str) -> str:
    return unescape(" ".join(re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S)))


def _create(client) -> object:
    return submit(client, "/admin/users/new", NEWCOMER | {"body": body("health").id})


def _user_page(client) -> str:
    return client.get(f"/admin/users/{user(NEWCOMER['email']).id}").get_data(as_text=True)


def test_without_a_mail_server_the_admin_gets_the_invitation_link_once(app, client):
    login(client, ADMIN_EMAIL)
    response = _create(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chưa cấu hình máy chủ thư nên chưa có thư nào được gửi tới hoa@haiduong.gov.vn" in _flash(page)
    link = re.search(
        r'id="link-once" type="text" readonly value="http://gplan\.test(/set-password/[^"]+)"', page
    )
    assert link, "the invitation link is shown"
    assert "chỉ hiển thị một lần" in page
    message = db.session.scalar(select(MailMessage).where(MailMessage.recipient == NEWCOMER["email"]))
    assert message.status == MailState.HELD and message.kind == "invite"
    # Shown once: not on the user's page, not in the outbox.
    assert "/set-password/" not in _user_page(client)
    assert "Giữ lại (chưa có máy chủ thư)" in _user_page(client)
    assert "/set-password/" not in client.get(f"/outbox/{message.id}").get_data(as_text=True)
    # The newcomer uses it.
    newcomer = app.test_client()
    done = submit(
        newcomer, unescape(link.group(1)), {"password": "mật khẩu của Hoa", "confirm": "mật khẩu của Hoa"}
    )
    assert done.status_code == 302 and newcomer.get("/plans").status_code == 200


def test_without_a_mail_server_a_reset_link_is_shown_once_too(client):
    login(client, ADMIN_EMAIL)
    target = user(focal_email("police"))
    response = submit(client, f"/admin/users/{target.id}/reset", page=f"/admin/users/{target.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="link-once"' in page
    assert "Đường dẫn đặt lại mật khẩu dành cho" in page


def test_with_a_mail_server_the_invitation_is_queued_not_sent(client, smtp):
    login(client, ADMIN_EMAIL)
    response = _create(client)
    assert response.status_code == 302
    told = _flash(client.get(response.location).get_data(as_text=True))
    assert "đã được xếp vào hộp thư đi" in told
    assert not any(word in told for word in SENT_WORDS), told
    assert smtp.received == []  # the request only queued it
    assert "Chờ gửi" in _user_page(client)
    deliver_pending(kinds=ACCOUNT_KINDS)
    assert len(smtp.to(NEWCOMER["email"])) == 1
    assert "Đã gửi" in _user_page(client)  # now, and only now, "sent"


def test_with_the_mail_server_down_the_admin_is_not_told_it_was_sent(client, mail_server_down):
    login(client, ADMIN_EMAIL)
    response = _create(client)
    told = _flash(client.get(response.location).get_data(as_text=True))
    assert "đã được xếp vào hộp thư đi" in told and not any(word in told for word in SENT_WORDS)
    deliver_pending(kinds=ACCOUNT_KINDS)
    message = db.session.scalar(select(MailMessage).where(MailMessage.recipient == NEWCOMER["email"]))
    db.session.refresh(message)
    assert message.status == MailState.PENDING and message.last_error  # waits for a retry
    page = _user_page(client)
    assert "Chờ gửi" in page and "lỗi gần nhất: ConnectionRefusedError" in page
