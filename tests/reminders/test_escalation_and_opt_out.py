"""Escalation copies the coordinator; a focal point's opt-outs work but cannot stop it."""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine

from gplan.reminders.prefs import received_kinds
from gplan.reminders.run import run_reminders
from gplan.reminders.vocabulary import ReminderKind
from gplan.timeutil import LOCAL_TZ
from tests.helpers import COORDINATOR_EMAIL, focal_email, login, submit, task_of, user
from tests.reminders.conftest import reopen, settle_before

DAY = date(2018, 6, 12)


@pytest.fixture
def late_tasks():
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(DAY)
        yield {
            "police": reopen(task_of("police", "IV.11.a", "2018"), DAY - timedelta(days=7)),
            "finance": reopen(task_of("finance", "IV.4.a", "2018"), DAY - timedelta(days=21)),
        }


def _keep_only(client, kinds: set[str]):
    """As the signed-in focal point, receive only ``kinds`` (through the profile page)."""
    response = submit(client, "/profile/reminders", dict.fromkeys(kinds, "y"), page="/profile/reminders")
    assert response.status_code == 302


def _ticked(page: str, name: str) -> bool:
    (tag,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return "checked" in tag


def test_opting_out_of_overdue_reminders_works(client, smtp, late_tasks):
    login(client, focal_email("police"))
    _keep_only(client, {ReminderKind.DUE_SOON, ReminderKind.DUE_TODAY, ReminderKind.WINDOW})
    assert received_kinds(user(focal_email("police"))) == {
        ReminderKind.DUE_SOON,
        ReminderKind.DUE_TODAY,
        ReminderKind.WINDOW,
    }

    run_reminders(DAY)

    assert smtp.to(focal_email("police")) == []  # 7 days late, but they chose not to hear it


def test_escalation_reaches_the_coordinator_and_the_late_body_whatever_it_chose(client, smtp, late_tasks):
    login(client, focal_email("finance"))
    _keep_only(client, set())  # switches every optional kind off

    run_reminders(DAY)

    finance_task = late_tasks["finance"]
    (coordinator,) = smtp.to(COORDINATOR_EMAIL)
    assert f"/tasks/{finance_task.id}" in coordinator.text
    assert f"/tasks/{late_tasks['police'].id}" not in coordinator.text  # 7 days late: not yet
    (finance,) = smtp.to(focal_email("finance"))
    assert f"/tasks/{finance_task.id}" in finance.text


def test_the_profile_page_shows_the_choices(client, late_tasks):
    login(client, focal_email("police"))
    page = client.get("/profile/reminders").get_data(as_text=True)
    assert all(
        _ticked(page, kind)
        for kind in (ReminderKind.DUE_SOON, ReminderKind.DUE_TODAY, ReminderKind.OVERDUE, ReminderKind.WINDOW)
    )  # all by default

    _keep_only(client, {ReminderKind.DUE_TODAY})

    page = client.get("/profile/reminders").get_data(as_text=True)
    assert (
        _ticked(page, ReminderKind.DUE_TODAY)
        and not _ticked(page, ReminderKind.OVERDUE)
        and not _ticked(page, ReminderKind.DUE_SOON)
    )
    assert ReminderKind.OVERDUE not in received_kinds(user(focal_email("police")))


def test_the_coordinator_cannot_switch_escalations_off(client):
    login(client, COORDINATOR_EMAIL)
    page = client.get("/profile/reminders").get_data(as_text=True)
    assert 'name="overdue"' not in page
    assert "14" in page  # "… overdue by more than 14 days …"
