"""Role rules on the task pages: focal points of other bodies, observers, coordinators.

(Every route × every role is checked in test_authorization_matrix.py.)
"""

import io

import pytest
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Task, TaskEvent
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    csrf_from,
    focal_email,
    login,
    task_of,
)


def _state(task_id: int) -> tuple:
    db.session.expire_all()
    task = db.session.get(Task, task_id)
    events = db.session.scalar(select(func.count(TaskEvent.id)).where(TaskEvent.task_id == task_id))
    return task.progress, task.note, task.evidence_url, task.evidence_file, events


def test_focal_point_cannot_see_or_change_another_bodys_task(client, seed):
    theirs = task_of("finance", "IV.4.a", "2017")
    before = _state(theirs.id)
    login(client, focal_email("justice"))
    token = csrf_from(client.get("/plans").get_data(as_text=True))
    assert client.get(f"/tasks/{theirs.id}").status_code == 403
    assert client.get(f"/tasks/{theirs.id}/evidence").status_code == 403
    assert client.get(f"/p/{seed.plan_id}/tasks?body={theirs.body_id}").status_code == 403
    response = client.post(
        f"/tasks/{theirs.id}",
        data={
            "csrf_token": token,
            "progress": "done",
            "note": "hijack",
            "evidence_file": (io.BytesIO(b"x"), "a.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert _state(theirs.id) == before


def test_focal_point_of_a_district_sees_only_its_own_district(client, seed):
    mine = task_of("district-binh-giang", "IV.15.g", "2018")
    neighbour = task_of("district-gia-loc", "IV.15.g", "2018")
    login(client, focal_email("district-binh-giang"))
    assert client.get(f"/tasks/{mine.id}").status_code == 200
    assert client.get(f"/tasks/{neighbour.id}").status_code == 403
    page = client.get(f"/p/{seed.plan_id}/tasks?year=2018").get_data(as_text=True)
    assert f"/tasks/{mine.id}" in page and f"/tasks/{neighbour.id}" not in page


def test_observer_reads_everything_and_changes_nothing(client):
    task = task_of("health", "IV.7.a", "2017:annual_report")
    before = _state(task.id)
    login(client, OBSERVER_EMAIL)
    page = client.get(f"/tasks/{task.id}")
    assert page.status_code == 200 and 'name="progress"' not in page.get_data(as_text=True)
    token = csrf_from(client.get("/plans").get_data(as_text=True))
    assert client.post(f"/tasks/{task.id}", data={"csrf_token": token, "progress": "done"}).status_code == 403
    assert _state(task.id) == before
    assert client.get("/admin/users").status_code == 403


@pytest.mark.parametrize("email", [COORDINATOR_EMAIL, ADMIN_EMAIL])
def test_coordinator_and_admin_can_record_progress_for_any_body(client, email):
    task = task_of("police", "IV.11.a", "2017")
    login(client, email)
    token = csrf_from(client.get(f"/tasks/{task.id}").get_data(as_text=True))
    response = client.post(
        f"/tasks/{task.id}", data={"csrf_token": token, "progress": "in_progress", "note": "Đã nhắc"}
    )
    assert response.status_code == 302
    assert _state(task.id)[:2] == ("in_progress", "Đã nhắc")


@pytest.mark.parametrize("email", [COORDINATOR_EMAIL, OBSERVER_EMAIL, focal_email("dolisa")])
def test_only_admins_manage_users(client, email):
    login(client, email)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403


def test_unknown_ids_are_404_not_500(client, seed):
    login(client, COORDINATOR_EMAIL)
    assert client.get("/tasks/999999").status_code == 404
    assert client.get("/p/999999/").status_code == 404
    assert client.get("/p/999999/tasks").status_code == 404
    assert client.get(f"/p/{seed.plan_id}/tasks?body=abc").status_code == 404
