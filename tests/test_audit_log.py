"""The audit log page: filtering and CSV export."""

import csv
import io
from datetime import datetime

import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import AuditEntry
from gplan.ops import audit
from gplan.timeutil import LOCAL_TZ
from tests.api_support import bearer
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, body, focal_email, login, submit, task_of, user


def _fill():
    with time_machine.travel(datetime(2018, 3, 1, 8, 0, tzinfo=LOCAL_TZ), tick=False):
        audit.record(audit.LOGIN_FAILED, email="=HYPERLINK(evil)@example.org", summary="")
    with time_machine.travel(datetime(2018, 3, 2, 8, 0, tzinfo=LOCAL_TZ), tick=False):
        audit.record(audit.ROLE_CHANGED, actor=user(ADMIN_EMAIL), summary="observer → coordinator")
    with time_machine.travel(datetime(2018, 3, 3, 8, 0, tzinfo=LOCAL_TZ), tick=False):
        audit.record(audit.DEADLINE_EXTENDED, actor=user(COORDINATOR_EMAIL), summary="IV.7.a extended")
    db.session.commit()


def test_the_log_filters_by_what_who_and_when(client):
    _fill()
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/audit?action=deadline_extended").get_data(as_text=True)
    assert "IV.7.a extended" in page and "observer → coordinator" not in page
    page = client.get("/admin/audit?who=coordinator@").get_data(as_text=True)
    assert "IV.7.a extended" in page and "observer → coordinator" not in page
    page = client.get("/admin/audit?date_from=2018-03-02&date_to=2018-03-02").get_data(as_text=True)
    assert "observer → coordinator" in page and "IV.7.a extended" not in page
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "IV.7.a extended" in everything and "Đăng nhập" in everything  # the admin's own sign-in
    bad = client.get("/admin/audit?date_from=yesterday")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2026." in page
    assert "IV.7.a extended" in page and "observer → coordinator" in page  # not filtered by it


def test_the_log_exports_as_csv_with_the_same_filter(client):
    _fill()
    login(client, ADMIN_EMAIL)
    response = client.get("/admin/audit.csv?date_to=2018-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0].startswith("time")
    assert [row[1] for row in rows[1:]] == ["deadline_extended", "role_changed", "login_failed"]
    assert rows[3][3] == "'=HYPERLINK(evil)@example.org"
    assert rows[1][0] == "2018-03-03 08:00:00"


def test_a_failed_login_is_in_the_log(client, app):
    submit(app.test_client(), "/login", {"email": ADMIN_EMAIL, "password": "wrong password"})
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert ADMIN_EMAIL in page


def test_control_characters_typed_at_sign_in_do_not_break_the_log(client, app):
    response = submit(app.test_client(), "/login", {"email": "a\x07b@example.org", "password": "x"})
    assert response.status_code == 200
    # A NUL is refused before it reaches the log (or PostgreSQL).
    assert (
        submit(app.test_client(), "/login", {"email": "a\x00b@example.org", "password": "x"}).status_code
        == 400
    )
    login(client, ADMIN_EMAIL)
    assert "ab@example.org" in client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    odd = client.get("/admin/audit?who=a%07b")
    assert odd.status_code == 200 and "ab@example.org" in odd.get_data(as_text=True)  # read as "ab"
    assert client.get("/admin/audit?who=a%00b").status_code == 400


def _entries(action: str, subject_id: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.subject_id == subject_id)
    return list(db.session.scalars(query))


def _content(entry: AuditEntry) -> dict:
    """What the log keeps of an entry, but when and about which record."""
    return {
        "action": entry.action,
        "actor_id": entry.actor_id,
        "actor_email": entry.actor_email,
        "subject_type": entry.subject_type,
        "details": entry.details,
        "ip": entry.ip,
    }


def test_a_progress_change_is_audited_alike_from_the_task_page_and_the_api(client, app):
    on_page, by_api = task_of("health", "IV.7.a", "2017:annual_report"), task_of("health", "IV.0", "2017")
    login(client, focal_email("health"))
    data = {"progress": "in_progress", "note": "Đang tổng hợp"}
    assert submit(client, f"/tasks/{on_page.id}", data).status_code == 302
    change = {"progress": "in_progress", "note": "Đang tổng hợp"}
    headers = bearer(focal_email("health"))
    assert (
        app.test_client()
        .post(f"/api/v1/tasks/{by_api.id}/progress", json=change, headers=headers)
        .status_code
        == 200
    )
    [from_page] = _entries(audit.STATUS_CHANGED, on_page.id)
    [from_api] = _entries(audit.STATUS_CHANGED, by_api.id)
    assert _content(from_page) == _content(from_api)
    assert from_page.details == {"from": "not_started", "to": "in_progress", "note": "Đang tổng hợp"}
    assert from_page.actor_email == focal_email("health") and from_page.subject_type == "Task"
    for task, entry in ((on_page, from_page), (by_api, from_api)):
        where = f"{task.responsibility.ref} · {task.body.name} · {task.occurrence}"
        assert entry.summary == f"{where}: not_started → in_progress"


def test_an_account_created_on_the_command_line_is_audited_like_one_from_the_admin_page(client, app):
    login(client, ADMIN_EMAIL)
    form = {"name": "Lan", "email": "lan@example.org", "role": "focal_point", "body": body("justice").id}
    created = submit(client, "/admin/users/new", form | {"locale": "vi"})
    # No mail server in the tests: the invitation is held and its link shown to the admin once.
    assert created.status_code == 200 and "/set-password/" in created.get_data(as_text=True)
    typed = "a long enough password\n" * 2
    command = ["create-user", "--email", "an@example.org", "--name", "An", "--role", "focal_point"]
    result = app.test_cli_runner().invoke(args=[*command, "--body", "justice"], input=typed)
    assert result.exit_code == 0, result.output
    [from_page] = _entries(audit.USER_CREATED, user("lan@example.org").id)
    [from_cli] = _entries(audit.USER_CREATED, user("an@example.org").id)
    assert (from_page.summary, from_cli.summary) == (
        "lan@example.org (focal_point)",
        "an@example.org (focal_point)",
    )
    assert from_page.subject_type == from_cli.subject_type == "User" and from_page.details == from_cli.details
    # The command line has no signed-in user and no address: the entry says so by leaving them out.
    assert from_page.actor_email == ADMIN_EMAIL and from_page.ip == "127.0.0.1"
    assert (from_cli.actor_id, from_cli.actor_email, from_cli.ip) == (None, None, None)
