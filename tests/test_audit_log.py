"""The audit log page: filtering and CSV export."""

import csv
import io
from datetime import datetime

import time_machine

from gplan.extensions import db
from gplan.ops import audit
from gplan.timeutil import LOCAL_TZ
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, login, submit, user


def _fill():
    with time_machine.travel(datetime(2018, 3, 1, 8, 0, tzinfo=LOCAL_TZ), tick=False):
        audit.record(audit.LOGIN_FAILED, email="=HYPERLINK(evil)@example.org", summary="")
    with time_machine.travel(datetime(2018, 3, 2, 8, 0, tzinfo=LOCAL_TZ), tick=False):
        audit.record(audit.ROLE_CHANGED, actor=user(ADMIN_EMAIL), summary="observer → coordinator")
    with time_machine.travel(datetime(2018, 3, 3, 8, 0, tzinfo=LOCAL_TZ), tick=False):
        audit.record(audit.DEADLINE_EXTENDED, actor=user(COORDINATOR_EMAIL), summary="IV.7.a extended")
    db.session.commit()


def test_the_log_filters_by_what_who_and_when(client):
    _fill()
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/audit?action=deadline_extended").get_data(as_text=True)
    assert "IV.7.a extended" in page and "observer → coordinator" not in page
    page = client.get("/admin/audit?who=coordinator@").get_data(as_text=True)
    assert "IV.7.a extended" in page and "observer → coordinator" not in page
    page = client.get("/admin/audit?date_from=2018-03-02&date_to=2018-03-02").get_data(as_text=True)
    assert "observer → coordinator" in page and "IV.7.a extended" not in page
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "IV.7.a extended" in everything and "Đăng nhập" in everything  # the admin's own sign-in
    bad = client.get("/admin/audit?date_from=yesterday")
    assert bad.status_code == 200


def test_the_log_exports_as_csv_with_the_same_filter(client):
    _fill()
    login(client, ADMIN_EMAIL)
    response = client.get("/admin/audit.csv?date_to=2018-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0].startswith("time")
    assert [row[1] for row in rows[1:]] == ["deadline_extended", "role_changed", "login_failed"]
    assert rows[3][3] == "'=HYPERLINK(evil)@example.org"
    assert rows[1][0] == "2018-03-03 08:00:00"


def test_a_failed_login_is_in_the_log(client, app):
    submit(app.test_client(), "/login", {"email": ADMIN_EMAIL, "password": "wrong password"})
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert ADMIN_EMAIL in page


def test_control_characters_typed_at_sign_in_do_not_break_the_log(client, app):
    response = submit(app.test_client(), "/login", {"email": "a\x07b@example.org", "password": "x"})
    assert response.status_code == 200
    # A NUL is refused before it reaches the log (or PostgreSQL).
    assert (
        submit(app.test_client(), "/login", {"email": "a\x00b@example.org", "password": "x"}).status_code
        == 400
    )
    login(client, ADMIN_EMAIL)
    assert "ab@example.org" in client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert client.get("/admin/audit?who=a%07b").status_code == 200
    assert client.get("/admin/audit?who=a%00b").status_code == 400
