"""Review through the API: submit, return (a reason required), accept, reopen; the same rules,
history and answers as the task page."""

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import AuditEntry, Task
from gplan.timeutil import LOCAL_TZ
from tests.api_support import assert_json_error, bearer
from tests.helpers import COORDINATOR_EMAIL, OBSERVER_EMAIL, focal_email, plan, task_of

NOV_2018 = datetime(2018, 11, 26, 9, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def task(seed):
    plan(seed).review_required = True
    db.session.commit()
    with time_machine.travel(NOV_2018, tick=False):
        yield task_of("health", "IV.7.a", "2018:annual_report")


def _progress(task) -> str:
    db.session.expire_all()
    return db.session.get(Task, task.id).progress


def test_the_cycle_through_the_api(client, task):
    focal, coordinator = bearer(focal_email("health")), bearer(COORDINATOR_EMAIL)
    url = f"/api/v1/tasks/{task.id}"
    sent = {
        "narrative": "Đã tổ chức tập huấn",
        "evidence_url": "https://soyte.haiduong.gov.vn/bc",
        "figures": [{"target_value": 12, "value": "112,5"}],
    }
    answer = client.post(f"{url}/submit", json=sent, headers=focal)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["progress"] == "submitted" and answer.get_json()["status"] == "submitted"
    # Submitting again, or marking done by hand, while it waits: 409.
    assert_json_error(client.post(f"{url}/submit", json=sent, headers=focal), 409)
    assert_json_error(client.post(f"{url}/progress", json={"progress": "done"}, headers=focal), 409)
    # Returning without a reason is refused; with one it goes back to the body.
    assert_json_error(client.post(f"{url}/return", json={"reason": "  "}, headers=coordinator), 422)
    assert_json_error(client.post(f"{url}/return", json={}, headers=coordinator), 422)
    assert _progress(task) == "submitted"
    version = client.get(url, headers=coordinator).get_json()["version"]
    returned = client.post(
        f"{url}/return", json={"reason": "Thiếu số liệu", "version": version}, headers=coordinator
    )
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"
    # The same decision again, with the version read before: 409, nothing changed.
    body = assert_json_error(
        client.post(f"{url}/accept", json={"version": version}, headers=coordinator), 409
    )
    assert body["message"]
    assert _progress(task) == "returned"
    assert client.post(f"{url}/submit", json={"narrative": "Bổ sung"}, headers=focal).status_code == 200
    accepted = client.post(f"{url}/accept", json={}, headers=coordinator)
    assert accepted.get_json()["progress"] == "done" and accepted.get_json()["status"] == "done_on_time"
    assert_json_error(client.post(f"{url}/accept", json={}, headers=coordinator), 409)  # decided twice
    assert_json_error(client.post(f"{url}/submit", json=sent, headers=focal), 409)  # locked
    submissions = client.get(f"{url}/submissions", headers=focal).get_json()["items"]
    assert [s["state"] for s in submissions] == ["accepted", "returned"]
    assert submissions[1]["reason"] == "Thiếu số liệu"
    assert submissions[1]["figures"] == [{"target_value": 12, "value": "112.5"}]
    assert_json_error(client.post(f"{url}/reopen", json={}, headers=coordinator), 422)
    reopened = client.post(f"{url}/reopen", json={"reason": "Sai số liệu"}, headers=coordinator)
    assert reopened.get_json()["progress"] == "in_progress"
    history = client.get(f"{url}/history", headers=focal).get_json()["items"]
    assert [e["kind"] for e in history[:5]] == ["reopened", "accepted", "submitted", "returned", "submitted"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "task_reopened")) is not None


def test_who_may_take_each_step(client, task):
    url = f"/api/v1/tasks/{task.id}"
    for email in (COORDINATOR_EMAIL, OBSERVER_EMAIL, focal_email("finance")):
        assert_json_error(client.post(f"{url}/submit", json={"narrative": "x"}, headers=bearer(email)), 403)
    assert (
        client.post(
            f"{url}/submit", json={"narrative": "x"}, headers=bearer(focal_email("health"))
        ).status_code
        == 200
    )
    for email in (OBSERVER_EMAIL, focal_email("health")):
        assert_json_error(client.post(f"{url}/accept", json={}, headers=bearer(email)), 403)
    assert _progress(task) == "submitted"


def test_bad_input_is_refused_and_nothing_changes(client, task):
    focal = bearer(focal_email("health"))
    url = f"/api/v1/tasks/{task.id}/submit"
    assert_json_error(client.post(url, json={"narrative": ""}, headers=focal), 422)
    assert_json_error(
        client.post(
            url, json={"narrative": "x", "figures": [{"target_value": 1, "value": 5}]}, headers=focal
        ),
        422,
    )
    assert_json_error(
        client.post(
            url, json={"narrative": "x", "figures": [{"target_value": 12, "value": "nhiều"}]}, headers=focal
        ),
        422,
    )
    assert_json_error(
        client.post(url, json={"narrative": "x", "evidence_url": "javascript:alert(1)"}, headers=focal), 422
    )
    assert _progress(task) == "not_started"


def test_with_review_off_submitting_is_a_conflict(client, seed):
    task = task_of("health", "IV.7.a", "2018:annual_report")
    url = f"/api/v1/tasks/{task.id}/submit"
    assert_json_error(client.post(url, json={"narrative": "x"}, headers=bearer(focal_email("health"))), 409)
