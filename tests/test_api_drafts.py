"""Plan drafts through the API: administrators only; a roll-over is a draft with no plan and no
task until published; the pages' refusals with the same messages (422), 409 once published."""

from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Plan, Task
from tests.api_support import assert_json_error, bearer
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, OBSERVER_EMAIL, focal_email

START = {"period_start": 2026, "period_end": 2030}


def test_only_an_administrator_reads_starts_edits_or_publishes_a_draft(client, seed):
    admin = bearer(ADMIN_EMAIL)
    started = client.post("/api/v1/drafts", json={"plan": seed.plan_id} | START, headers=admin)
    assert started.status_code == 201, started.get_json()
    draft_id = started.get_json()["id"]
    for email in (COORDINATOR_EMAIL, OBSERVER_EMAIL, focal_email("health")):
        other = bearer(email)
        assert_json_error(client.get("/api/v1/drafts", headers=other), 403)
        assert_json_error(client.get(f"/api/v1/drafts/{draft_id}", headers=other), 403)
        started_by_other = client.post("/api/v1/drafts", json={"plan": seed.plan_id} | START, headers=other)
        assert_json_error(started_by_other, 403)
        assert_json_error(
            client.patch(f"/api/v1/drafts/{draft_id}", json={"code": "1/X"}, headers=other), 403
        )
        assert_json_error(client.post(f"/api/v1/drafts/{draft_id}/publish", json={}, headers=other), 403)
    assert_json_error(client.get("/api/v1/drafts"), 401)
    listed = client.get("/api/v1/drafts", headers=admin).get_json()
    assert [d["id"] for d in listed["items"]] == [draft_id] and listed["total"] == 1
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=admin).get_json()["header"].get("code") is None


def test_a_draft_is_written_and_published_through_the_api_with_the_pages_refusals(client, seed):
    admin = bearer(ADMIN_EMAIL)
    tasks_before = db.session.scalar(select(func.count(Task.id)))
    same = client.post(
        "/api/v1/drafts", json={"plan": seed.plan_id, "period_start": 2016, "period_end": 2020}, headers=admin
    )
    assert (
        assert_json_error(same, 422)["message"]
        == "Vui lòng chọn giai đoạn có năm bắt đầu khác với giai đoạn hiện tại."
    )
    backwards = client.post(
        "/api/v1/drafts", json={"plan": seed.plan_id, "period_start": 2030, "period_end": 2026}, headers=admin
    )
    assert "period_end" in assert_json_error(backwards, 422)["errors"]["json"]

    draft = client.post("/api/v1/drafts", json={"plan": seed.plan_id} | START, headers=admin).get_json()
    url = f"/api/v1/drafts/{draft['id']}"
    assert any("2016-2020" in text["text"] for text in draft["flagged"])
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.period_start == 2026)) == 0
    assert db.session.scalar(select(func.count(Task.id))) == tasks_before

    # The page's refusal, message for message: no number, title or date of issue yet.
    refused = assert_json_error(client.post(f"{url}/publish", json={}, headers=admin), 422)
    assert refused["message"] == "Nhập số hiệu văn bản của kế hoạch mới."
    assert set(refused["errors"]["json"]) == {"code", "title", "issued_on"}
    too_long = assert_json_error(client.patch(url, json={"code": "x" * 81}, headers=admin), 422)
    assert too_long["errors"]["json"]["code"] == ["Số hiệu dài tối đa 80 ký tự."]

    header = {"code": "125/KH-UBND", "title": "Kế hoạch 2026-2030", "issued_on": "2026-01-15"}
    edited = client.patch(url, json=header, headers=admin)
    assert edited.status_code == 200 and edited.get_json()["header"]["code"] == "125/KH-UBND"
    kept = client.patch(url, json={"title_en": "Plan 2026-2030"}, headers=admin).get_json()["header"]
    assert kept["code"] == "125/KH-UBND" and kept["issued_on"] == "2026-01-15"

    published = client.post(f"{url}/publish", json={}, headers=admin)
    assert published.status_code == 200, published.get_json()
    new = db.session.get(Plan, published.get_json()["plan_id"])
    assert (new.code, new.title, new.period_start) == ("125/KH-UBND", "Kế hoạch 2026-2030", 2026)
    assert (
        published.get_json()["tasks_created"]
        == db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == new.id))
        > 0
    )
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id.is_not(None))))
    assert {"draft_created", "draft_changed", "draft_published"} <= actions

    # Published, it is changed no more: a conflict with its state, as the page says.
    again = assert_json_error(client.post(f"{url}/publish", json={}, headers=admin), 409)
    assert again["message"].startswith("Bản dự thảo này đã được ban hành")
    assert_json_error(client.patch(url, json={"code": "1/KH"}, headers=admin), 409)
    assert client.get("/api/v1/drafts", headers=admin).get_json()["total"] == 0
