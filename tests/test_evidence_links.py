"""Evidence links: only web addresses (http, https) are accepted, by the task page and the API
alike, and a link stored before that rule is shown as text, never as a clickable link."""

from datetime import datetime

import pytest
import time_machine

from gplan.extensions import db
from gplan.models import Task
from gplan.timeutil import LOCAL_TZ
from tests.api_support import bearer
from tests.helpers import COORDINATOR_EMAIL, focal_email, login, submit, task_of

BAD_LINKS = [
    "javascript:alert(document.cookie)",
    "javascript://example.org/%0aalert(1)",
    "JavaScript://example.org/%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript://example.org/msgbox",
    "file:///etc/passwd",
    "file://server/share/report.doc",
    "ftp://example.org/report.pdf",
    "//example.org/report.pdf",
    "https://",
]


@pytest.fixture(autouse=True)
def _june_2018():
    with time_machine.travel(datetime(2018, 6, 10, 9, 30, tzinfo=LOCAL_TZ), tick=False):
        yield


@pytest.mark.parametrize("link", BAD_LINKS)
def test_the_task_page_refuses_a_link_that_is_not_a_web_address(client, link):
    task = task_of("dolisa", "IV.1.d", "2018:half_year_report")
    login(client, focal_email("dolisa"))
    response = submit(client, f"/tasks/{task.id}", {"progress": "done", "evidence_url": link})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "http:// hoặc https://" in page
    db.session.expire_all()
    assert db.session.get(Task, task.id).evidence_url is None


@pytest.mark.parametrize("link", BAD_LINKS)
def test_the_api_refuses_the_same_links(client, link):
    task = task_of("health", "IV.7.a", "2017:annual_report")
    response = client.post(
        f"/api/v1/tasks/{task.id}/progress",
        json={"progress": "done", "evidence_url": link},
        headers=bearer(focal_email("health")),
    )
    assert response.status_code == 422
    assert "evidence_url" in response.get_json()["errors"]["json"]
    db.session.expire_all()
    assert db.session.get(Task, task.id).evidence_url is None


def test_web_addresses_are_accepted_on_both(client):
    task = task_of("dolisa", "IV.1.d", "2018:half_year_report")
    login(client, focal_email("dolisa"))
    response = submit(
        client, f"/tasks/{task.id}", {"progress": "done", "evidence_url": "http://vanban/bc-6-thang.pdf"}
    )
    assert response.status_code == 302
    other = task_of("health", "IV.7.a", "2017:annual_report")
    response = client.post(
        f"/api/v1/tasks/{other.id}/progress",
        json={"progress": "done", "evidence_url": "HTTPS://vb.haiduong.gov.vn/123"},
        headers=bearer(focal_email("health")),
    )
    assert response.status_code == 200
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert '<a href="http://vanban/bc-6-thang.pdf"' in page


def test_a_bad_link_stored_earlier_is_shown_as_text(app, client, seed):
    task = task_of("dolisa", "IV.1.d", "2018:half_year_report")
    task.evidence_url = "javascript:alert(1)"
    task.progress = "done"
    db.session.commit()
    login(client, focal_email("dolisa"))
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "javascript:alert(1)" in page  # the text is kept, so it can be corrected
    assert 'href="javascript:' not in page
    coordinator = app.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    for url in (
        f"/p/{seed.plan_id}/progress/bodies/{task.body_id}",
        f"/p/{seed.plan_id}/progress/tasks?body={task.body_id}",
        f"/p/{seed.plan_id}/report/2018",
    ):
        page = coordinator.get(url).get_data(as_text=True)
        assert 'href="javascript:' not in page, url
