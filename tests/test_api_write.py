"""Writing through the API: progress with the web's rules and history, actual figures."""

from datetime import date, datetime

import time_machine
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, TargetActual, TargetValue, TaskEvent
from gplan.timeutil import LOCAL_TZ
from tests.api_support import assert_json_error, bearer
from tests.helpers import COORDINATOR_EMAIL, OBSERVER_EMAIL, focal_email, login, task_of

NOV_2017 = datetime(2017, 11, 20, 10, 0, tzinfo=LOCAL_TZ)


def _events(task) -> int:
    return db.session.scalar(select(func.count(TaskEvent.id)).where(TaskEvent.task_id == task.id))


def test_a_focal_point_marks_its_task_done_with_a_token(client):
    task = task_of("health", "IV.7.a", "2017:annual_report")
    headers = bearer(focal_email("health"))
    with time_machine.travel(NOV_2017, tick=False):
        response = client.post(
            f"/api/v1/tasks/{task.id}/progress",
            json={"progress": "done", "note": "Đã gửi báo cáo", "evidence_url": "https://example.org/bc.pdf"},
            headers=headers,
        )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["progress"] == "done" and body["status"] == "done_on_time"
    assert body["completed_on"] == "2017-11-20" and body["evidence_url"] == "https://example.org/bc.pdf"
    db.session.refresh(task)
    assert task.progress == "done" and task.note == "Đã gửi báo cáo"
    event = task.events[0]
    assert (event.from_progress, event.to_progress, event.note) == ("not_started", "done", "Đã gửi báo cáo")
    assert event.user.email == focal_email("health")
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "status_changed"))
    assert audit.subject_id == task.id and audit.actor_email == focal_email("health")
    # What the coordinator then sees.
    seen = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(COORDINATOR_EMAIL)).get_json()
    assert seen["progress"] == "done" and seen["note"] == "Đã gửi báo cáo"


def test_the_same_state_again_or_a_stale_version_is_a_conflict(client):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    headers = bearer(focal_email("health"))
    url = f"/api/v1/tasks/{task.id}/progress"
    assert_json_error(client.post(url, json={"progress": "not_started"}, headers=headers), 409)
    version = task.version
    ok = client.post(url, json={"progress": "in_progress", "version": version}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["version"] == version + 1
    before = _events(task)
    assert_json_error(client.post(url, json={"progress": "done", "version": version}, headers=headers), 409)
    assert _events(task) == before


def test_another_body_or_an_observer_cannot_change_a_task(client):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    url = f"/api/v1/tasks/{task.id}/progress"
    for email in (focal_email("finance"), OBSERVER_EMAIL):
        assert_json_error(client.post(url, json={"progress": "done"}, headers=bearer(email)), 403)
    db.session.refresh(task)
    assert task.progress == "not_started" and _events(task) == 0


def test_a_session_write_needs_the_csrf_header(client):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    login(client, focal_email("health"))
    url = f"/api/v1/tasks/{task.id}/progress"
    body = assert_json_error(client.post(url, json={"progress": "in_progress"}), 400)
    assert "CSRF" in body["message"]
    assert_json_error(
        client.post(url, json={"progress": "in_progress"}, headers={"X-CSRFToken": "forged"}), 400
    )
    db.session.refresh(task)
    assert task.progress == "not_started"
    token = client.get("/api/v1/me").get_json()["csrf_token"]
    response = client.post(url, json={"progress": "in_progress"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["progress"] == "in_progress"


def test_a_token_write_needs_no_csrf_and_sets_no_cookie(client):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    response = client.post(
        f"/api/v1/tasks/{task.id}/progress",
        json={"progress": "in_progress"},
        headers=bearer(focal_email("health")),
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def _birth_ratio(seed) -> TargetValue:
    from gplan.models import Objective, Target

    query = (
        select(TargetValue)
        .join(Target)
        .join(Objective)
        .where(Objective.plan_id == seed.plan_id, Objective.number == 4, Target.number == 1)
        .order_by(TargetValue.position)
    )
    return db.session.scalars(query).first()


def test_the_owning_body_enters_an_actual_and_corrects_it(client, seed):
    value = _birth_ratio(seed)
    headers = bearer(focal_email("health"))
    url = f"/api/v1/target-values/{value.id}/actuals/2017"
    first = client.put(url, json={"value": 117.2, "source": "Niên giám thống kê 2017"}, headers=headers)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["value"] == 117.2 and first.get_json()["entered_by"]["name"]
    second = client.put(url, json={"value": "116.9", "note": "Số liệu chính thức"}, headers=headers)
    assert second.get_json()["value"] == 116.9
    actual = db.session.scalar(select(TargetActual).filter_by(target_value_id=value.id, year=2017))
    assert str(actual.value).startswith("116.9") and len(actual.revisions) == 2
    assert actual.revisions[0].before["value"].startswith("117.2")
    targets = client.get(f"/api/v1/targets/{value.target_id}", headers=bearer(COORDINATOR_EMAIL)).get_json()
    assert targets["values"][0]["actuals"][0]["value"] == 116.9


def test_actuals_are_refused_to_others_and_outside_the_period(client, seed):
    value = _birth_ratio(seed)
    url = f"/api/v1/target-values/{value.id}/actuals/2017"
    for email in (focal_email("finance"), OBSERVER_EMAIL):
        assert_json_error(client.put(url, json={"value": 1}, headers=bearer(email)), 403)
    coordinator = bearer(COORDINATOR_EMAIL)
    assert_json_error(
        client.put(f"/api/v1/target-values/{value.id}/actuals/2030", json={"value": 1}, headers=coordinator),
        422,
    )
    assert_json_error(client.put(url, json={"source": "no figure"}, headers=coordinator), 422)
    assert_json_error(client.put(url, json={"value": 1e12}, headers=coordinator), 422)
    assert_json_error(
        client.put("/api/v1/target-values/999999/actuals/2017", json={"value": 1}, headers=coordinator), 404
    )
    assert db.session.scalar(select(func.count(TargetActual.id))) == 0


def test_a_figure_is_read_as_the_web_form_reads_it(client, seed):
    value = _birth_ratio(seed)
    url = f"/api/v1/target-values/{value.id}/actuals/2017"
    headers = bearer(COORDINATOR_EMAIL)
    assert client.put(url, json={"value": "116,9"}, headers=headers).get_json()["value"] == 116.9
    outside = client.put(f"/api/v1/target-values/{value.id}/actuals/2021", json={"value": 1}, headers=headers)
    assert list(assert_json_error(outside, 422)["errors"]["path"]) == ["year"]
    assert assert_json_error(client.put(url, json={"value": True}, headers=headers), 422)["errors"]["json"]


def test_the_baseline_year_is_accepted(client, seed):
    value = _birth_ratio(seed)
    response = client.put(
        f"/api/v1/target-values/{value.id}/actuals/2015",
        json={"value": 118},
        headers=bearer(COORDINATOR_EMAIL),
    )
    assert response.status_code == 200 and response.get_json()["year"] == 2015
    assert date(2015, 1, 1).year == response.get_json()["year"]


def test_a_stale_version_of_a_figure_is_409_and_changes_nothing(client, seed):
    value = _birth_ratio(seed)
    health = bearer(focal_email("health"))
    url = f"/api/v1/target-values/{value.id}/actuals/2017"
    first = client.put(url, json={"value": 117.2, "version": 0}, headers=health)
    assert first.status_code == 200 and first.get_json()["version"] == 1
    assert_json_error(client.put(url, json={"value": 999, "version": 0}, headers=health), 409)
    corrected = client.put(url, json={"value": 116.9, "version": 1}, headers=bearer(COORDINATOR_EMAIL))
    assert corrected.get_json()["version"] == 2
    assert_json_error(client.put(url, json={"value": 118, "version": 1}, headers=health), 409)
    actual = db.session.scalar(select(TargetActual).filter_by(target_value_id=value.id, year=2017))
    assert float(actual.value) == 116.9 and len(actual.revisions) == 2
    listed = client.get(f"/api/v1/targets/{value.target_id}", headers=health).get_json()
    assert listed["values"][0]["actuals"][0]["version"] == 2
    assert_json_error(client.put(url, json={"value": 1, "version": -1}, headers=health), 422)
    assert_json_error(client.put(url, json={"value": 1, "version": "2"}, headers=health), 422)
