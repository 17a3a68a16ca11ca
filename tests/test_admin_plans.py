"""Administering plans: upload with the CLI's checks, roll-over, report due days."""

import html
import io
import re
from datetime import date

import yaml
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Plan, PlanDraft, PlanUpload, Task
from gplan.tasks.progress import record_progress
from tests.helpers import ADMIN_EMAIL, PLAN_FILE, focal_email, login, plan, submit, task_of, user


def _upload(client, content: bytes, name="plan.yaml", start="", end=""):
    data = {"file": (io.BytesIO(content), name), "start": start, "end": end}
    return submit(client, "/admin/plans/import", data, content_type="multipart/form-data")


def _broken_plan() -> bytes:
    raw = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    raw["responsibilities"][3]["coordinating"] = ["ministry-of-magic"]
    raw["plan"]["period"] = {"start": 2020, "end": 2016}
    del raw["bodies"][0]["name"]
    return yaml.safe_dump(raw, allow_unicode=True).encode()


def test_an_invalid_file_gets_the_cli_messages_and_changes_nothing(client, app, tmp_path):
    content = _broken_plan()
    path = tmp_path / "plan.yaml"
    path.write_bytes(content)
    cli = app.test_cli_runner().invoke(args=["plan", "import", str(path)])
    problems = [line.strip()[2:] for line in cli.output.splitlines() if line.strip().startswith("- ")]
    assert cli.exit_code == 1 and problems
    user(ADMIN_EMAIL).locale = "en"  # the command line writes English
    db.session.flush()
    login(client, ADMIN_EMAIL)
    before = db.session.scalar(select(func.count(Task.id)))
    response = _upload(client, content)
    page = html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    assert response.status_code == 422
    for problem in problems:
        assert problem in page
    assert db.session.scalar(select(func.count(Task.id))) == before
    rejected = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import_rejected"))
    assert rejected.details["problems"] == problems


def test_not_yaml_and_not_utf8_are_explained(client):
    login(client, ADMIN_EMAIL)
    page = _upload(client, b"plan: [unclosed").get_data(as_text=True)
    assert "dòng 1, cột 16" in page and "không phải YAML hợp lệ" in page
    page = _upload(client, "plan: 'Hải Dương'".encode("utf-16")).get_data(as_text=True)
    assert "không đọc được: tệp không phải văn bản mã hóa UTF-8 (lỗi ở vị trí 1)" in page
    page = _upload(client, b"x", name="plan.txt").get_data(as_text=True)
    assert ".yaml" in page


def test_re_uploading_the_plan_updates_it_and_keeps_progress(client, seed):
    task = task_of("finance", "IV.4.a", "2017")
    record_progress(task, user(focal_email("finance")), "done", "Đã xong")
    db.session.commit()
    login(client, ADMIN_EMAIL)
    response = _upload(client, PLAN_FILE.read_bytes(), name=PLAN_FILE.name)
    assert response.status_code == 302 and response.location.endswith(f"/p/{seed.plan_id}/")
    db.session.refresh(task)
    assert task.progress == "done" and task.note == "Đã xong"
    assert db.session.scalar(select(func.count(Plan.id))) == 1
    stored = db.session.scalar(select(PlanUpload))
    assert stored.plan_id == seed.plan_id and stored.content == PLAN_FILE.read_text(encoding="utf-8")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "plan_imported"))
    assert entry.details["counts"]["responsibilities"] > 0


def test_roll_over_to_the_next_period_starts_a_draft(client, seed):
    login(client, ADMIN_EMAIL)
    url = f"/admin/plans/{seed.plan_id}/roll-over"
    page = client.get(url).get_data(as_text=True)
    assert 'value="2021"' in page and 'value="2025"' in page
    response = submit(client, url, {"start": 2021, "end": 2025}, content_type="multipart/form-data")
    assert response.status_code == 302 and "/admin/drafts/" in response.location
    # No plan and no task until the draft is published (tests/test_plan_drafts.py).
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.period_start == 2021)) == 0
    old = db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == seed.plan_id))
    assert old > 0
    same = submit(client, url, {"start": 2016, "end": 2020}, content_type="multipart/form-data")
    assert same.status_code == 422 and "có năm bắt đầu khác" in same.get_data(as_text=True)


def test_due_days_re_date_the_open_tasks(client, seed):
    login(client, ADMIN_EMAIL)
    url = f"/admin/plans/{seed.plan_id}/settings"
    done = task_of("health", "IV.7.a", "2017:annual_report")
    record_progress(done, user(focal_email("health")), "done")
    db.session.commit()
    days = {name: day["date"] for name, day in plan(seed).due_days.items()}
    response = submit(client, url, days | {"annual_report": "12-05"})
    assert response.status_code == 302
    the_plan = plan(seed)
    assert (
        the_plan.due_days["annual_report"]["date"] == "12-05" and the_plan.due_days["annual_report"]["custom"]
    )
    open_task = task_of("health", "IV.7.a", "2018:annual_report")
    assert open_task.due_on == date(2018, 12, 5)
    db.session.refresh(done)
    assert (done.progress, done.due_on) == ("done", date(2017, 12, 10))  # done tasks keep their date
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "due_days_changed"))
    assert entry.details["changes"] == {"annual_report": ["12-10", "12-05"]}

    bad = submit(client, url, days | {"annual_report": "31-12"})
    assert bad.status_code == 422 and "MM-DD" in bad.get_data(as_text=True)
    assert plan(seed).due_days["annual_report"]["date"] == "12-05"
    submit(client, url, days | {"annual_report": "12-10"})
    assert plan(seed).due_days["annual_report"]["custom"] is False


def test_a_period_with_one_year_left_empty_is_explained_not_a_server_error(client, seed):
    login(client, ADMIN_EMAIL)
    upload = _upload(client, PLAN_FILE.read_bytes(), start="2021", end="")
    assert upload.status_code == 422
    explained = "Nhập cả hai năm của giai đoạn, hoặc để trống cả hai."
    assert explained in html.unescape(upload.get_data(as_text=True))
    url = f"/admin/plans/{seed.plan_id}/roll-over"
    rollover = submit(client, url, {"start": 2021, "end": ""}, content_type="multipart/form-data")
    assert rollover.status_code == 422
    assert 'value="2021"' in rollover.get_data(as_text=True)  # what was typed comes back
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.period_start == 2021)) == 0


def test_uploading_a_file_for_another_period_starts_a_draft_not_a_re_dated_copy(client, seed):
    login(client, ADMIN_EMAIL)
    tasks_before = db.session.scalar(select(func.count(Task.id)))
    response = _upload(client, PLAN_FILE.read_bytes(), name=PLAN_FILE.name, start="2026", end="2030")
    assert response.status_code == 302 and "/admin/drafts/" in response.location
    draft = db.session.get(PlanDraft, int(response.location.rstrip("/").rsplit("/", 1)[1]))
    assert (draft.period_start, draft.source_plan_id) == (2026, seed.plan_id)
    assert "code" not in draft.header
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.period_start == 2026)) == 0
    assert db.session.scalar(select(func.count(Task.id))) == tasks_before
    same = _upload(client, PLAN_FILE.read_bytes(), name=PLAN_FILE.name, start="2016", end="2020")
    assert same.status_code == 422 and "có năm bắt đầu khác" in same.get_data(as_text=True)


def test_a_file_whose_plan_is_not_loaded_here_starts_a_draft_of_its_own(client, seed):
    login(client, ADMIN_EMAIL)
    raw = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    raw["plan"]["code"] = "77/KH-UBND"
    content = yaml.safe_dump(raw, allow_unicode=True).encode()
    response = _upload(client, content, start="2026", end="2030")
    assert response.status_code == 302 and "/admin/drafts/" in response.location
    draft = db.session.get(PlanDraft, int(response.location.rstrip("/").rsplit("/", 1)[1]))
    assert draft.source_plan_id is None and (draft.old_period_start, draft.old_period_end) == (2016, 2020)
    page = html.unescape(client.get(response.location).get_data(as_text=True))
    assert "nhiệm kỳ 2016-2020" in page  # its texts naming the file's period are flagged
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.code == "77/KH-UBND")) == 0
