"""Every class of bad request gets a JSON error with the right status: never HTML, never 500."""

import pytest
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import TaskEvent
from tests.api_support import assert_json_error, bearer, token_for
from tests.helpers import focal_email, task_of


@pytest.fixture
def progress_url():
    return f"/api/v1/tasks/{task_of('health', 'IV.7.a', '2018:annual_report').id}/progress"


@pytest.fixture
def health():
    return bearer(focal_email("health"))


def _no_events() -> bool:
    return db.session.scalar(select(func.count(TaskEvent.id))) == 0


def test_no_credentials_is_401_with_a_challenge(client):
    body = assert_json_error(client.get("/api/v1/tasks"), 401)
    assert "Bearer" in body["message"]
    assert client.get("/api/v1/plans").headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer gplan_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "gplan_abc", "Bearer " + "x" * 5000],
)
def test_a_wrong_token_is_401_even_with_a_session(client, header):
    from tests.helpers import login

    login(client, focal_email("health"))
    assert_json_error(client.get("/api/v1/me", headers={"Authorization": header}), 401)


def test_malformed_json_is_400(client, progress_url, health):
    response = client.post(
        progress_url, data='{"progress": "done",', content_type="application/json", headers=health
    )
    body = assert_json_error(response, 400)
    assert body["errors"] == {"json": ["Invalid JSON body."]}
    assert _no_events()


def test_wrong_types_are_422_naming_the_field(client, progress_url, health):
    for payload, field in (
        ({"progress": 3}, "progress"),
        ({"progress": "finished"}, "progress"),
        ({"progress": "done", "version": "7"}, "version"),
        ({"progress": "done", "version": True}, "version"),
        ({"progress": "done", "note": ["a"]}, "note"),
        ({"progress": "done", "evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"progress": "done", "note": "nul\x00byte"}, "note"),
        ({"progress": "done", "note": "x" * 4001}, "note"),
    ):
        body = assert_json_error(client.post(progress_url, json=payload, headers=health), 422)
        assert field in body["errors"]["json"], body
    body = assert_json_error(client.post(progress_url, json=["done"], headers=health), 422)
    assert body["errors"]["json"]
    assert _no_events()


def test_missing_and_unknown_fields_are_422(client, progress_url, health):
    body = assert_json_error(client.post(progress_url, json={}, headers=health), 422)
    assert body["errors"]["json"]["progress"]
    body = assert_json_error(
        client.post(progress_url, json={"progress": "done", "status": "x"}, headers=health), 422
    )
    assert body["errors"]["json"]["status"] == ["Unknown field."]
    body = assert_json_error(client.get("/api/v1/tasks?stauts=overdue", headers=health), 422)
    assert "stauts" in body["errors"]["query"]
    for query in ("year=abc", "status=late", "due_before=31/12/2018", "page=0", "per_page=1000", "plan=-1"):
        body = assert_json_error(client.get(f"/api/v1/tasks?{query}", headers=health), 422)
        assert query.split("=")[0] in body["errors"]["query"]
    assert _no_events()


def test_a_huge_body_is_413(client, progress_url, health):
    payload = '{"progress": "done", "note": "' + "x" * (200 * 1024) + '"}'
    response = client.post(progress_url, data=payload, content_type="application/json", headers=health)
    assert_json_error(response, 413)
    assert _no_events()


def test_a_body_that_is_not_json_is_415(client, progress_url, health):
    response = client.post(progress_url, data={"progress": "done"}, headers=health)
    assert_json_error(response, 415)
    assert_json_error(
        client.post(progress_url, data="progress=done", content_type="text/plain", headers=health), 415
    )
    assert _no_events()


def test_unknown_paths_and_methods_under_api_are_json(client, health):
    assert_json_error(client.get("/api/v1/nothing-here", headers=health), 404)
    assert_json_error(client.get("/api/v1/tasks/not-a-number", headers=health), 404)
    response = client.delete("/api/v1/plans", headers=health)
    assert_json_error(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_json_error(client.get("/api/v2/plans"), 404)


def test_web_pages_keep_their_html_errors(client):
    from tests.helpers import login

    login(client, focal_email("health"))
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_revoked_token_stops_at_once(client):
    from gplan.accounts.tokens import revoke_token
    from gplan.models import ApiToken
    from tests.helpers import user

    secret = token_for(focal_email("health"))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token = db.session.scalar(select(ApiToken))
    revoke_token(user(focal_email("health")), token)
    db.session.commit()
    assert_json_error(client.get("/api/v1/me", headers=headers), 401)
