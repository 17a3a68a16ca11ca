"""Bad input gets a clear 4xx, never a 500: bodies too large for any form, numbers beyond what
any record holds, JSON and YAML nested thousands deep, dates at the calendar's end."""

from __future__ import annotations

import io

import pytest

from gplan import create_app
from tests.api_support import assert_json_error, bearer
from tests.conftest import app_config
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, focal_email, login, submit, task_of

HUGE = "99999999999999999999"  # beyond 64 bits
MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body of ``size`` bytes that counts how much of it the app read."""

    def __init__(self, size: int):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


@pytest.fixture
def default_limits_app(databases, tmp_path):
    """An app with the production request limit (the test config sets a smaller one)."""
    config = app_config(databases.new(), tmp_path)
    del config["MAX_CONTENT_LENGTH"]
    config["EVIDENCE_MAX_BYTES"] = 10 * MB
    return create_app(config)


def test_the_request_limit_follows_the_evidence_limit(default_limits_app):
    assert default_limits_app.config["MAX_CONTENT_LENGTH"] == 12 * MB


def _post_huge(client, path: str, kind: str, headers=None):
    body = CountingStream(300 * MB)
    environ = {"wsgi.input": body, "CONTENT_LENGTH": str(body.size), "CONTENT_TYPE": kind}
    return client.post(path, environ_overrides=environ, headers=headers), body


def test_an_oversized_body_is_refused_unread(default_limits_app):
    response, body = _post_huge(
        default_limits_app.test_client(), "/login", "application/x-www-form-urlencoded"
    )
    assert response.status_code == 413 and body.read_bytes == 0
    page = response.get_data(as_text=True)
    assert 'lang="vi"' in page and "Tệp tải lên quá lớn." in page


def test_an_oversized_api_body_is_refused_unread_in_json(client):
    url = f"/api/v1/tasks/{task_of('health', 'IV.7.a', '2018:annual_report').id}/progress"
    headers = bearer(focal_email("health"))
    response, body = _post_huge(client, url, "application/json", headers)
    assert_json_error(response, 413)
    assert body.read_bytes == 0


def test_ids_beyond_64_bits_are_400(client):
    login(client, focal_email("health"))
    task = task_of("health", "IV.7.a", "2018:annual_report")
    for url in (
        f"/tasks/{HUGE}",
        f"/tasks/{HUGE}/evidence",
        f"/p/{HUGE}/tasks",
        f"/p/{task.plan_id}/tasks?body={HUGE}",
        f"/p/{task.plan_id}/tasks?year={HUGE}",
        f"/p/{task.plan_id}/tasks?year=-{HUGE}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Không hiểu được yêu cầu" in response.get_data(as_text=True)
    assert client.get(f"/tasks/{task.id}").status_code == 200


def test_coordinator_pages_refuse_huge_numbers(client):
    login(client, COORDINATOR_EMAIL)
    plan_id = task_of("health", "IV.7.a", "2018:annual_report").plan_id
    for url in (
        f"/p/{plan_id}/progress/tasks?body={HUGE}",
        f"/p/{plan_id}/progress/tasks?page={HUGE}",
        f"/p/{plan_id}/progress?year={HUGE}",
        f"/p/{plan_id}/targets/{HUGE}",
        f"/outbox?page={HUGE}",
    ):
        assert client.get(url).status_code == 400, url
    # The largest number accepted: a page past the end, not an overflow.
    largest = client.get(f"/p/{plan_id}/progress/tasks?page=9007199254740991")
    assert largest.status_code < 500


def test_api_ids_and_query_numbers_beyond_64_bits_are_400(client):
    headers = bearer(focal_email("health"))
    for url in (f"/api/v1/tasks?plan={HUGE}", f"/api/v1/tasks?page={HUGE}", f"/api/v1/tasks?year={HUGE}"):
        assert_json_error(client.get(url, headers=headers), 400)
    # API paths take ids up to 2**31 - 1 (the id columns' range): past it, no such resource.
    assert_json_error(client.get(f"/api/v1/tasks/{HUGE}", headers=headers), 404)
    response = client.post(f"/api/v1/tasks/{HUGE}/progress", json={"progress": "done"}, headers=headers)
    assert_json_error(response, 404)


def test_json_nested_thousands_deep_is_400(client):
    headers = bearer(focal_email("health"))
    task = task_of("health", "IV.7.a", "2018:annual_report")
    nested = "[" * 30_000 + "]" * 30_000  # within the API's 64 KiB
    for url, method in (
        (f"/api/v1/tasks/{task.id}/progress", client.post),
        ("/api/v1/target-values/1/actuals/2018", client.put),
    ):
        response = method(url, data=nested, content_type="application/json", headers=headers)
        assert_json_error(response, 400)
    deep_object = '{"progress": ' + '{"a":' * 10_000 + "1" + "}" * 10_000 + "}"
    response = client.post(
        f"/api/v1/tasks/{task.id}/progress",
        data=deep_object,
        content_type="application/json",
        headers=headers,
    )
    assert_json_error(response, 400)


def test_a_plan_file_nested_20000_deep_is_explained(client, app, tmp_path):
    deep = ("plan: " + "[" * 20_000 + "]" * 20_000).encode()
    path = tmp_path / "deep.yaml"
    path.write_bytes(deep)
    cli = app.test_cli_runner().invoke(args=["plan", "import", str(path)])
    assert cli.exit_code == 1 and "nested too deeply" in cli.output
    login(client, ADMIN_EMAIL)
    data = {"file": (io.BytesIO(deep), "deep.yaml"), "start": "", "end": ""}
    response = submit(client, "/admin/plans/import", data, content_type="multipart/form-data")
    assert response.status_code == 422 and "lồng nhau quá sâu" in response.get_data(as_text=True)


def test_dates_at_the_end_of_the_calendar_are_4xx(client):
    login(client, ADMIN_EMAIL)
    for url in (
        "/admin/audit?date_from=9999-12-31&date_to=9999-12-31",
        "/admin/audit?date_to=9999-12-31",
        "/admin/audit.csv?date_to=9999-12-31",
        "/admin/audit?date_from=0001-01-01",
        "/admin/reminders?date=9999-12-31",
        "/admin/reminders?date=0001-01-01",
    ):
        response = client.get(url)
        assert 200 <= response.status_code < 500 and response.status_code != 500, url
    headers = bearer(focal_email("health"))
    for query in ("due_before=9999-12-31", "due_after=9999-12-31", "due_after=0001-01-01"):
        response = client.get(f"/api/v1/tasks?{query}", headers=headers)
        assert response.status_code < 500, query
