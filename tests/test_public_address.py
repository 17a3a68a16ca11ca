"""Outgoing links (mail, calendar addresses) follow the address the server runs on unless
BASE_URL says otherwise — never a Host header the client made up. The real `flask serve` on
another port is driven end to end in tests/browser/test_journeys.py."""

from __future__ import annotations

import re
import socket

import pytest
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import MailMessage
from gplan.public_address import external_url, public_base, started_address
from tests.helpers import csrf_from, focal_email

BOUND = "http://10.0.0.5:8123"


@pytest.fixture
def no_base_url(app):
    saved = app.config["BASE_URL"]
    app.config["BASE_URL"] = ""
    yield app
    app.config["BASE_URL"] = saved


def _reset_link_sent_through(client, **request) -> str:
    page = client.get("/forgot-password", **request).get_data(as_text=True)
    client.post(
        "/forgot-password",
        data={"email": focal_email("health"), "csrf_token": csrf_from(page)},
        **request,
    )
    message = db.session.scalar(
        select(MailMessage).where(MailMessage.kind == "reset").order_by(MailMessage.id.desc())
    )
    return re.search(r"https?://\S+/set-password/\S+", message.body_text).group(0)


def test_a_reset_link_leads_to_the_bound_address_not_to_a_forged_host(no_base_url, client):
    link = _reset_link_sent_through(client, base_url=BOUND, headers={"Host": "evil.example"})
    assert link.startswith(f"{BOUND}/set-password/")


def test_behind_a_trusted_proxy_the_forwarded_host_is_the_public_address(no_base_url, client):
    no_base_url.config["PROXY_FIX"] = 1
    try:
        with no_base_url.test_request_context(
            "/", base_url="http://127.0.0.1:8000", headers={"Host": "gplan.haiduong.gov.vn"}
        ):
            assert public_base() == "http://gplan.haiduong.gov.vn"
    finally:
        no_base_url.config["PROXY_FIX"] = 0


def test_base_url_wins_everywhere(app, client):
    assert app.config["BASE_URL"] == "http://gplan.test"
    link = _reset_link_sent_through(client, base_url=BOUND)
    assert link.startswith("http://gplan.test/set-password/")
    assert external_url("plans.home") == "http://gplan.test/"


def test_without_a_request_or_a_server_the_default_address_is_used(no_base_url):
    assert external_url("focal.task", task_id=7) == "http://127.0.0.1:5000/tasks/7"


def test_the_started_address_names_the_machine_for_all_interfaces():
    assert started_address("127.0.0.1", 5077) == "http://127.0.0.1:5077"
    assert started_address("0.0.0.0", 8080) == f"http://{socket.gethostname()}:8080"
    assert started_address("::", 8080) == f"http://{socket.gethostname()}:8080"
    assert started_address("::1", 8080) == "http://[::1]:8080"
