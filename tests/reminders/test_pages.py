"""The admin's policy page, the outbox page, and the coordinator's nudge."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import MailMessage, Nudge, Reminder
from gplan.reminders.policy import Policy, current_policy
from gplan.reminders.run import run_reminders
from gplan.timeutil import LOCAL_TZ
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, csrf_from, focal_email, login, submit, task_of, user
from tests.helpers import body as body_of
from tests.reminders.conftest import reopen, settle_before

DAY = date(2018, 6, 12)
POLICY_FORM = {
    "days_before": "21, 7, 1",
    "on_due_date": "y",
    "overdue_every_days": "3",
    "escalate_after_days": "10",
    "window_notice_days": "0",
    "skip_weekends": "y",
}


@pytest.fixture
def june_12():
    with time_machine.travel(datetime(2018, 6, 12, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(DAY)
        yield reopen(task_of("police", "IV.11.a", "2018"), DAY - timedelta(days=7))


def test_the_admin_sets_the_policy(client):
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/reminders").get_data(as_text=True)
    assert 'value="14, 3"' in page  # the defaults

    response = submit(client, "/admin/reminders", POLICY_FORM)

    assert response.status_code == 302
    assert current_policy() == Policy(
        days_before=(21, 7, 1),
        on_due_date=True,
        overdue_every_days=3,
        escalate_after_days=10,
        window_notice_days=0,
        window_open_notice=False,
        skip_weekends=True,
    )


def test_a_bad_policy_comes_back_with_what_was_typed(client):
    login(client, ADMIN_EMAIL)

    response = submit(client, "/admin/reminders", {**POLICY_FORM, "days_before": "14, soon"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="14, soon"' in page and 'aria-invalid="true"' in page
    assert current_policy() == Policy()  # nothing saved
    bad_number = submit(client, "/admin/reminders", {**POLICY_FORM, "overdue_every_days": "-2"})
    assert bad_number.status_code == 200 and current_policy() == Policy()
    page = bad_number.get_data(as_text=True)
    assert 'value="-2"' in page and "Số phải nằm trong khoảng từ 0 đến 365." in page


@pytest.mark.parametrize("email", [COORDINATOR_EMAIL, focal_email("police")])
def test_only_the_admin_sets_the_policy(client, email):
    login(client, email)
    assert client.get("/admin/reminders").status_code == 403


def test_the_policy_page_previews_any_day(client, june_12):
    login(client, ADMIN_EMAIL)
    page = client.get("/admin/reminders?date=2018-06-12").get_data(as_text=True)
    assert focal_email("dolisa") in page and focal_email("police") in page
    malformed = client.get("/admin/reminders?date=not-a-day")
    page = malformed.get_data(as_text=True)
    assert malformed.status_code == 200 and "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2026." in page
    assert 'value="not-a-day"' in page and focal_email("police") not in page  # no preview


def test_the_outbox_shows_what_was_produced_and_why_it_waits(client, june_12):
    run_reminders(DAY)  # no mail server in this configuration: held in the outbox
    login(client, COORDINATOR_EMAIL)

    page = client.get("/outbox").get_data(as_text=True)

    assert focal_email("police") in page and "[gplan] Nhắc việc ngày 12/06/2018" in page
    assert "MAIL_SERVER" in page  # says why nothing is sent
    message = db.session.scalar(select(MailMessage).where(MailMessage.recipient == focal_email("police")))
    detail = client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert f"/tasks/{june_12.id}" in detail  # the reminder it carried, linked to its task
    assert "chậm 7 ngày" in detail  # the content, as the focal point reads it
    assert client.get("/outbox?status=held&q=police").get_data(as_text=True).count("/outbox/") >= 1
    assert focal_email("dolisa") not in client.get("/outbox?q=police").get_data(as_text=True)


def test_the_outbox_never_shows_a_sign_in_link(client):
    login(client, ADMIN_EMAIL)
    submit(
        client,
        "/admin/users/new",
        {"name": "Mới", "email": "new@haiduong.gov.vn", "role": "observer", "body": "0", "locale": "vi"},
    )
    invite = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "new@haiduong.gov.vn"))

    detail = client.get(f"/outbox/{invite.id}").get_data(as_text=True)

    assert "/set-password/" not in detail and invite.body_text not in detail


def test_focal_points_have_no_outbox(client):
    login(client, focal_email("police"))
    assert client.get("/outbox").status_code == 403


def test_the_coordinator_nudges_a_body_and_it_is_recorded(client, smtp, seed, june_12):
    police = body_of("police")
    login(client, COORDINATOR_EMAIL)
    tasks_page = client.get(f"/p/{seed.plan_id}/tasks?body={police.id}").get_data(as_text=True)
    nudge_url = f"/p/{seed.plan_id}/bodies/{police.id}/nudge"
    assert nudge_url in tasks_page

    response = submit(client, nudge_url, {"note": "Xin gửi kế hoạch trước thứ Sáu."})

    assert response.status_code == 302
    (mail,) = smtp.to(focal_email("police"))
    assert "Xin gửi kế hoạch trước thứ Sáu." in mail.text and f"/tasks/{june_12.id}" in mail.text
    nudge = db.session.scalar(select(Nudge).where(Nudge.body_id == police.id))
    assert nudge.by_user_id == user(COORDINATOR_EMAIL).id and nudge.task_count == 1
    reminder = db.session.scalar(select(Reminder).where(Reminder.kind == "nudge"))
    assert reminder.task_id == june_12.id and reminder.on_date == DAY
    page = client.get(nudge_url).get_data(as_text=True)
    assert "Xin gửi kế hoạch trước thứ Sáu." in page  # in the history
    # Once a day: not offered again, neither here nor on the body's task list.
    assert "Đã nhắc hôm nay lúc 09:00" in page and 'name="note"' not in page
    tasks_page = client.get(f"/p/{seed.plan_id}/tasks?body={police.id}").get_data(as_text=True)
    assert "Đã nhắc hôm nay lúc 09:00" in tasks_page and nudge_url not in tasks_page

    again = submit(client, nudge_url, {"note": "Nhắc lại"})
    assert again.status_code == 409 and "Nhắc lại" in again.get_data(as_text=True)  # kept, not sent
    assert len(smtp.to(focal_email("police"))) == 1


def test_a_body_with_nothing_outstanding_is_not_nudged(client, smtp, seed, june_12):
    login(client, COORDINATOR_EMAIL)
    url = f"/p/{seed.plan_id}/bodies/{body_of('justice').id}/nudge"
    assert submit(client, url, {"note": ""}).status_code == 409
    assert smtp.received == []


def test_focal_points_cannot_nudge(client, seed, june_12):
    login(client, focal_email("justice"))
    url = f"/p/{seed.plan_id}/bodies/{body_of('police').id}/nudge"
    assert client.get(url).status_code == 403
    token = csrf_from(client.get("/profile/").get_data(as_text=True))  # a valid token: roles decide
    assert client.post(url, data={"note": "x", "csrf_token": token}).status_code == 403
    assert db.session.scalar(select(Nudge.id)) is None
    assert (
        db.session.scalar(select(MailMessage.id).where(MailMessage.recipient == focal_email("police")))
        is None
    )


def test_a_group_is_not_a_body_to_nudge(client, seed):
    login(client, COORDINATOR_EMAIL)
    assert client.get(f"/p/{seed.plan_id}/bodies/{body_of('districts').id}/nudge").status_code == 404
    assert client.get(f"/p/{seed.plan_id}/bodies/99999/nudge").status_code == 404
