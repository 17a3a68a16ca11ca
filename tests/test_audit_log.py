"""The audit log page: filtering, CSV export, and how it words the entries about tasks, bodies
and accounts in the reader's language."""

import csv
import io
import re
from datetime import datetime

import time_machine
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Task
from gplan.ops import audit
from gplan.timeutil import LOCAL_TZ
from tests.api_support import bearer
from tests.coordinator_support import table_rows
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    body,
    focal_email,
    login,
    submit,
    task_of,
    user,
)


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


def _worded(client, action: str) -> list[str]:
    """The details the log shows for the admin's own entries of one kind, newest first."""
    page = client.get(f"/admin/audit?action={action}&who={ADMIN_EMAIL}").get_data(as_text=True)
    return [row[3] for row in table_rows(page)[1:] if len(row) == 5]


def _in_english(client) -> None:
    assert submit(client, "/language/en", {"next": "/admin/audit"}, page="/admin/audit").status_code == 302


def test_the_log_words_a_bodys_new_names_old_and_new(client):
    login(client, ADMIN_EMAIL)
    justice = body("justice")
    form = {"name": "Sở Tư pháp tỉnh Hải Dương", "name_en": "Department of Justice", "short_name": "STP"}
    assert submit(client, f"/admin/bodies/{justice.id}", form | {"contact_email": ""}).status_code == 302
    assert _worded(client, audit.BODY_CHANGED) == [
        "Sở Tư pháp tỉnh Hải Dương — Tên: “Sở Tư pháp” → “Sở Tư pháp tỉnh Hải Dương”; "
        "Tên viết tắt: “—” → “STP”"
    ]
    _in_english(client)  # the body by its English name, the fields by their English labels
    assert _worded(client, audit.BODY_CHANGED) == [
        "Department of Justice — Name: “Sở Tư pháp” → “Sở Tư pháp tỉnh Hải Dương”; Short name: “—” → “STP”"
    ]


def test_the_log_words_a_member_unit_joining_its_group_with_its_tasks(client):
    login(client, ADMIN_EMAIL)
    districts = body("districts")
    member = {"key": "district-new-town", "name": "Ủy ban nhân dân thị xã Mới", "contact_email": ""}
    url = f"/admin/bodies/{districts.id}/members"
    assert submit(client, url, member, page=f"/admin/bodies/{districts.id}").status_code == 302
    created = db.session.scalar(
        select(func.count(Task.id)).where(Task.body_id == body("district-new-town").id)
    )
    assert created > 1
    assert _worded(client, audit.MEMBER_ADDED) == [
        "Ủy ban nhân dân thị xã Mới gia nhập Ủy ban nhân dân các huyện, thị xã, thành phố "
        f"(tạo {created} nhiệm vụ)"
    ]
    _in_english(client)  # the newcomer has no English name: it keeps its Vietnamese one
    assert _worded(client, audit.MEMBER_ADDED) == [
        "Ủy ban nhân dân thị xã Mới joins People's Committees of the districts, town and city "
        f"({created} tasks created)"
    ]


def test_the_log_words_a_retirement_with_its_day_successor_and_reason(client):
    login(client, ADMIN_EMAIL)
    url = f"/admin/bodies/{body('science-technology').id}/retire"
    form = {
        "on": "01/03/2025",
        "reason": "Hợp nhất theo Nghị quyết 18",
        "successor": body("information-communications").id,
    }
    preview = submit(client, url, {**form, "preview": "1"}).get_data(as_text=True)
    counted = re.search(r"kế nhiệm: (\d+) sẽ được chuyển sang, (\d+) sẽ được đóng", preview)
    assert counted and submit(client, url, form).status_code == 302
    tu_ky = body("district-tu-ky")
    open_tasks = db.session.scalar(select(func.count(Task.id)).where(Task.body_id == tu_ky.id, Task.is_open))
    assert open_tasks > 0
    form = {"on": "01/07/2025", "reason": "Giải thể cấp huyện", "successor": 0}
    assert submit(client, f"/admin/bodies/{tu_ky.id}/retire", form).status_code == 302
    assert _worded(client, audit.BODY_RETIRED) == [
        f"Ủy ban nhân dân huyện Tứ Kỳ ngừng hoạt động từ 01/07/2025: đóng {open_tasks} nhiệm vụ chưa xong "
        "(Giải thể cấp huyện)",
        f"Sở Khoa học và Công nghệ ngừng hoạt động từ 01/03/2025: chuyển {counted[1]} nhiệm vụ chưa xong "
        f"sang Sở Thông tin và Truyền thông, đóng {counted[2]} (Hợp nhất theo Nghị quyết 18)",
    ]
    _in_english(client)
    assert _worded(client, audit.BODY_RETIRED)[1] == (
        f"Department of Science and Technology retired from 01/03/2025: {counted[1]} open tasks moved to "
        f"Department of Information and Communications, {counted[2]} closed (Hợp nhất theo Nghị quyết 18)"
    )


def test_the_log_words_a_new_account_with_its_roles_title_and_body(client):
    login(client, ADMIN_EMAIL)
    form = {"name": "Lan", "email": "lan@example.org", "role": "focal_point", "body": body("justice").id}
    assert submit(client, "/admin/users/new", form | {"locale": "vi"}).status_code == 200
    form = {"name": "Hoa", "email": "hoa@example.org", "role": "coordinator", "body": 0}
    assert submit(client, "/admin/users/new", form | {"locale": "en"}).status_code == 200
    assert _worded(client, audit.USER_CREATED) == [
        "hoa@example.org (Cơ quan điều phối)",
        "lan@example.org (Đầu mối · Sở Tư pháp)",
    ]
    _in_english(client)
    assert _worded(client, audit.USER_CREATED) == [
        "hoa@example.org (Coordinator)",
        "lan@example.org (Focal point · Department of Justice)",
    ]


def test_the_log_words_a_role_change_with_the_body_before_and_after(client):
    login(client, ADMIN_EMAIL)
    observer, health = user(OBSERVER_EMAIL), user(focal_email("health"))
    form = {"name": observer.name, "role": "focal_point", "body": body("justice").id, "locale": "vi"}
    assert submit(client, f"/admin/users/{observer.id}", form).status_code == 302
    form = {"name": health.name, "role": "focal_point", "body": body("finance").id, "locale": "vi"}
    assert submit(client, f"/admin/users/{health.id}", form).status_code == 302
    assert _worded(client, audit.ROLE_CHANGED) == [
        f"{focal_email('health')}: Đầu mối · Sở Y tế → Đầu mối · Sở Tài chính",
        f"{OBSERVER_EMAIL}: Theo dõi → Đầu mối · Sở Tư pháp",
    ]
    _in_english(client)
    assert _worded(client, audit.ROLE_CHANGED) == [
        f"{focal_email('health')}: Focal point · Department of Health → Focal point · Department of Finance",
        f"{OBSERVER_EMAIL}: Observer → Focal point · Department of Justice",
    ]
