"""Review of a task's work on the task page: a focal point submits, a coordinator returns it
with a reason, the body submits again, the coordinator accepts; the task is then done, locked,
counted on time by the accepted submission's date, and only a coordinator reopens it."""

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, MailMessage, TargetActual, Task, TaskComment, TaskSubmission
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.helpers import (
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    csrf_from,
    focal_email,
    login,
    plan,
    submit,
    task_of,
)

# A Monday in late November 2018: the Department of Health's annual report is due on 10/12.
NOV_2018 = datetime(2018, 11, 26, 9, 0, tzinfo=LOCAL_TZ)
REF, OCCURRENCE = "IV.7.a", "2018:annual_report"


@pytest.fixture
def reviewed(seed):
    plan(seed).review_required = True
    db.session.commit()
    with time_machine.travel(NOV_2018, tick=False):
        yield task_of("health", REF, OCCURRENCE)


def _as(app, email):
    client = app.test_client()
    login(client, email)
    return client


def _reload(task) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task.id)


def _post(client, url, data, page):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _submission_data(narrative="Đã tổ chức 12 lớp tập huấn", **extra):
    return {"narrative": narrative, "evidence_url": "https://soyte.haiduong.gov.vn/bc-2018", **extra}


def test_the_whole_cycle_for_a_focal_point_and_a_coordinator(app, reviewed):
    task, page = reviewed, f"/tasks/{reviewed.id}"
    focal, coordinator = _as(app, focal_email("health")), _as(app, COORDINATOR_EMAIL)
    form = focal.get(page).get_data(as_text=True)
    assert "Gửi để duyệt" in form and 'name="figure_12"' in form  # the sex ratio at birth, Health's target
    assert 'value="done"' not in form  # done comes from the coordinator's acceptance only

    response = _post(focal, f"/tasks/{task.id}/submit", _submission_data(figure_12="112,5"), page)
    assert response.status_code == 302
    task = _reload(task)
    assert task.progress == "submitted" and task.status_on(NOV_2018.date()) == TaskStatus.SUBMITTED
    queue = coordinator.get(f"/p/{task.plan_id}/review").get_data(as_text=True)
    assert "Đã tổ chức 12 lớp tập huấn" in queue and f'value="{task.id}:{task.version}"' in queue
    # Which of the duty's reports this is, in words: never the stored key.
    assert "2018 · Hạn báo cáo năm gửi Sở LĐ-TB&amp;XH" in queue and OCCURRENCE not in queue

    # Returning needs a reason: the form says so and nothing changes.
    refused = _post(coordinator, f"/tasks/{task.id}/decide", {"send_back": "1", "reason": " "}, page)
    assert refused.status_code == 422 and "Hãy nêu lý do trả lại" in refused.get_data(as_text=True)
    assert _reload(task).progress == "submitted"
    returned = _post(
        coordinator, f"/tasks/{task.id}/decide", {"send_back": "1", "reason": "Thiếu số liệu"}, page
    )
    assert returned.status_code == 302
    task = _reload(task)
    assert task.progress == "returned" and task.status_on(NOV_2018.date()) == TaskStatus.RETURNED
    mail = db.session.scalar(select(MailMessage).where(MailMessage.kind == "submission_returned"))
    assert mail.recipient == focal_email("health") and "Thiếu số liệu" in mail.body_text
    assert "2018 · Hạn báo cáo năm" in mail.body_text and OCCURRENCE not in mail.body_text
    assert "Trả lại" in mail.subject  # in the focal point's language
    task_page = focal.get(page).get_data(as_text=True)
    assert "Thiếu số liệu" in task_page and "Kỳ thực hiện" in task_page and OCCURRENCE not in task_page
    # The reason opens the task's comment thread, where the body can answer.
    thread = db.session.scalars(select(TaskComment).where(TaskComment.task_id == task.id)).all()
    assert [(c.text, c.author.email) for c in thread] == [("Thiếu số liệu", COORDINATOR_EMAIL)]

    with time_machine.travel(datetime(2018, 12, 3, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        focal = _as(app, focal_email("health"))  # a week later: signed in again
        again = _post(
            focal, f"/tasks/{task.id}/submit", _submission_data("Bổ sung số liệu", figure_12="113"), page
        )
        assert again.status_code == 302
    with time_machine.travel(datetime(2018, 12, 17, 9, 0, tzinfo=LOCAL_TZ), tick=False):  # after the deadline
        coordinator, focal = _as(app, COORDINATOR_EMAIL), _as(app, focal_email("health"))
        accepted = _post(coordinator, f"/tasks/{task.id}/decide", {"accept": "1"}, page)
        assert accepted.status_code == 302
        task = _reload(task)
        assert task.progress == "done" and task.completed_on == date(2018, 12, 3)  # the submission's day
        assert task.status_on(date(2018, 12, 17)) == TaskStatus.DONE_ON_TIME
        figure = db.session.scalar(
            select(TargetActual).where(TargetActual.target_value_id == 12, TargetActual.year == 2018)
        )
        assert figure is not None and float(figure.value) == 113
        assert (
            db.session.scalar(
                select(func.count()).select_from(MailMessage).where(MailMessage.kind == "submission_accepted")
            )
            == 1
        )
        states = [s.state for s in task.submissions]
        assert states == ["accepted", "returned"]

        # Locked: the focal point can neither change nor submit it.
        locked = focal.get(page).get_data(as_text=True)
        assert "đã được chấp nhận và khoá" in locked and f'action="/tasks/{task.id}/submit"' not in locked
        token = csrf_from(locked)
        again = focal.post(f"/tasks/{task.id}/submit", data={**_submission_data(), "csrf_token": token})
        assert again.status_code == 409
        by_hand = focal.post(page, data={"progress": "in_progress", "csrf_token": token})
        assert by_hand.status_code == 409 and _reload(task).progress == "done"

        # Only a coordinator reopens, with a reason.
        assert _post(coordinator, f"/tasks/{task.id}/reopen", {"reason": ""}, page).status_code == 422
        assert (
            _post(coordinator, f"/tasks/{task.id}/reopen", {"reason": "Sai số liệu"}, page).status_code == 302
        )
        task = _reload(task)
        assert task.progress == "in_progress" and task.completed_on is None
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.subject_id == task.id).order_by(AuditEntry.id)
        ).all()
        assert actions == [
            "task_submitted",
            "submission_returned",
            "comment_added",  # the reason opens the thread
            "task_submitted",
            "submission_accepted",
            "task_reopened",
        ]


def test_a_refused_submission_comes_back_filled(app, reviewed):
    task, page = reviewed, f"/tasks/{reviewed.id}"
    focal = _as(app, focal_email("health"))
    response = _post(focal, f"/tasks/{task.id}/submit", _submission_data("Đã làm", figure_12="nhiều"), page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Đã làm" in html and 'value="nhiều"' in html
    assert "https://soyte.haiduong.gov.vn/bc-2018" in html
    assert _reload(task).progress == "not_started"
    assert db.session.scalar(select(func.count()).select_from(TaskSubmission)) == 0


def test_submitting_twice_or_deciding_twice_is_refused(app, reviewed):
    task, page = reviewed, f"/tasks/{reviewed.id}"
    focal, coordinator = _as(app, focal_email("health")), _as(app, COORDINATOR_EMAIL)
    assert _post(focal, f"/tasks/{task.id}/submit", _submission_data(), page).status_code == 302
    token = csrf_from(focal.get(page).get_data(as_text=True))
    twice = focal.post(f"/tasks/{task.id}/submit", data={**_submission_data("Lần hai"), "csrf_token": token})
    assert twice.status_code == 409 and "đang chờ duyệt" in twice.get_data(as_text=True)
    # Two coordinators opened the page; the first accepts, the second's return is refused.
    stale_token = csrf_from(coordinator.get(page).get_data(as_text=True))
    version = _reload(task).version
    assert (
        _post(coordinator, f"/tasks/{task.id}/decide", {"accept": "1", "version": version}, page).status_code
        == 302
    )
    late = coordinator.post(
        f"/tasks/{task.id}/decide",
        data={"send_back": "1", "reason": "Không đạt", "version": version, "csrf_token": stale_token},
    )
    assert late.status_code == 409
    assert _reload(task).progress == "done"
    assert [s.state for s in _reload(task).submissions] == ["accepted"]


def test_only_the_bodys_focal_points_submit_and_only_coordinators_decide(app, reviewed):
    task, page = reviewed, f"/tasks/{reviewed.id}"
    other_body = _as(app, focal_email("finance"))
    coordinator = _as(app, COORDINATOR_EMAIL)
    observer = _as(app, OBSERVER_EMAIL)
    token = csrf_from(other_body.get("/profile/").get_data(as_text=True))
    assert (
        other_body.post(
            f"/tasks/{task.id}/submit", data={**_submission_data(), "csrf_token": token}
        ).status_code
        == 403
    )
    assert _post(coordinator, f"/tasks/{task.id}/submit", _submission_data(), page).status_code == 403
    focal = _as(app, focal_email("health"))
    assert _post(focal, f"/tasks/{task.id}/submit", _submission_data(), page).status_code == 302
    assert _post(observer, f"/tasks/{task.id}/decide", {"accept": "1"}, page).status_code == 403
    assert _post(focal, f"/tasks/{task.id}/decide", {"accept": "1"}, page).status_code == 403
    assert _reload(task).progress == "submitted"
    assert "Đã tổ chức" in observer.get(f"/p/{task.plan_id}/review").get_data(as_text=True)


def test_with_review_off_a_focal_point_still_marks_done(app, seed):
    task = task_of("health", REF, OCCURRENCE)
    page = f"/tasks/{task.id}"
    with time_machine.travel(NOV_2018, tick=False):
        focal = _as(app, focal_email("health"))
        assert "Gửi để duyệt" not in focal.get(page).get_data(as_text=True)
        assert submit(focal, page, {"progress": "done", "note": "xong"}).status_code == 302
    assert _reload(task).progress == "done"


def test_several_at_once_from_the_queue(app, reviewed):
    first = reviewed
    second = task_of("health", "IV.7.b", OCCURRENCE)
    focal, coordinator = _as(app, focal_email("health")), _as(app, COORDINATOR_EMAIL)
    for task in (first, second):
        assert (
            _post(focal, f"/tasks/{task.id}/submit", _submission_data(), f"/tasks/{task.id}").status_code
            == 302
        )
    queue = f"/p/{first.plan_id}/review"
    tasks = [f"{t.id}:{_reload(t).version}" for t in (first, second)]
    token = csrf_from(coordinator.get(queue).get_data(as_text=True))
    no_reason = coordinator.post(queue, data={"task": tasks, "send_back": "1", "csrf_token": token})
    assert no_reason.status_code == 302 and _reload(first).progress == "submitted"
    done = coordinator.post(queue, data={"task": tasks, "accept": "1", "csrf_token": token})
    assert done.status_code == 302
    assert (_reload(first).progress, _reload(second).progress) == ("done", "done")
    again = coordinator.post(
        queue, data={"task": tasks, "accept": "1", "csrf_token": token}, follow_redirects=True
    )
    assert again.get_data(as_text=True).count("Nhiệm vụ đã bị thay đổi sau khi bạn đọc") == 2


def test_done_on_time_is_measured_against_the_extended_deadline(app, seed):
    task = task_of("health", REF, OCCURRENCE)
    task.extended_due_on = date(2018, 12, 20)
    db.session.commit()
    with time_machine.travel(datetime(2018, 12, 15, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        focal = _as(app, focal_email("health"))
        assert submit(focal, f"/tasks/{task.id}", {"progress": "done"}).status_code == 302
        page = focal.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _reload(task).status_on(date(2018, 12, 31)) == TaskStatus.DONE_ON_TIME
    assert "10/12/2018" in page and "20/12/2018" in page  # the original beside the extended one


def test_a_submission_waiting_too_long_is_in_the_coordinators_digest(app, reviewed):
    from gplan.reminders.digest import render_digests
    from gplan.reminders.planner import due_reminders
    from gplan.tasks import review
    from tests.helpers import user

    review.submit(reviewed, user(focal_email("health")), "Đã tổ chức tập huấn")  # Monday 26/11
    db.session.commit()

    def coordinators_digest(day: date):
        due = due_reminders(day, ignore_history=True)
        found = [d for d in due.digests if d.recipient.email == COORDINATOR_EMAIL]
        return (found[0], due) if found else (None, due)

    digest, _due = coordinators_digest(date(2018, 12, 3))  # 5 working days: not yet
    assert digest is None or reviewed.id not in digest.entries
    digest, due = coordinators_digest(date(2018, 12, 4))  # 6 working days
    assert digest is not None and digest.entries[reviewed.id].waiting_since == date(2018, 11, 26)
    with app.test_request_context():
        message = next(m for m in render_digests(due) if m["recipient"] == COORDINATOR_EMAIL)
    assert "1 báo cáo chờ bạn duyệt" in message["subject"] and "26/11/2018" in message["text"]
    assert focal_email("health") not in [d.recipient.email for d in due.digests if reviewed.id in d.entries]
    plan_ = reviewed.plan
    plan_.review_wait_days = 10
    db.session.commit()
    digest, _due = coordinators_digest(date(2018, 12, 4))
    assert digest is None or reviewed.id not in digest.entries


def test_working_days_skip_weekends():
    from gplan.tasks.review_queue import working_days_between

    monday = date(2018, 11, 26)
    assert working_days_between(monday, date(2018, 11, 30)) == 4  # to Friday
    assert working_days_between(monday, date(2018, 12, 2)) == 4  # the weekend adds nothing
    assert working_days_between(monday, date(2018, 12, 3)) == 5
    assert working_days_between(monday, date(2018, 12, 10)) == 10
    assert working_days_between(date(2018, 12, 1), date(2018, 12, 3)) == 1  # Saturday to Monday
    assert working_days_between(monday, monday) == 0
