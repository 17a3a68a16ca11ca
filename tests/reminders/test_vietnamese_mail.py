"""Mail read by Vietnamese offices: the Action Month's subject tells the truth on the day it
opens, and bodies are listed in Vietnamese alphabetical order (Đ after D, Ủ before V)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import time_machine

from gplan.reminders.run import run_reminders
from gplan.timeutil import LOCAL_TZ
from tests.helpers import COORDINATOR_EMAIL, focal_email, task_of
from tests.reminders.conftest import reopen, settle_before

OPENS = date(2018, 11, 15)


def _digest_for(smtp, day: date, email: str):
    with time_machine.travel(datetime(day.year, day.month, day.day, 7, tzinfo=LOCAL_TZ), tick=False):
        settle_before(day)  # the Action Month of 2018 stays open: its report is due 31/12
        run_reminders(day)
    (digest,) = smtp.to(email)
    return digest


def test_on_the_day_the_action_month_opens_the_subject_says_it_opens_today(smtp):
    digest = _digest_for(smtp, OPENS, focal_email("culture-sports-tourism"))
    assert "1 đợt hoạt động bắt đầu hôm nay" in digest.subject
    assert "sắp bắt đầu" not in digest.subject and "sắp bắt đầu" not in digest.text
    assert "đang diễn ra, đến 15/12/2018" in digest.text


def test_two_weeks_before_it_opens_the_subject_says_it_opens_soon(smtp):
    digest = _digest_for(smtp, OPENS - timedelta(days=14), focal_email("culture-sports-tourism"))
    assert "1 đợt hoạt động sắp bắt đầu" in digest.subject
    assert "bắt đầu sau 14 ngày" in digest.text


def test_the_coordinator_reads_late_bodies_in_vietnamese_alphabetical_order(smtp):
    tuesday = date(2018, 6, 12)
    expected = [
        "Đài Phát thanh - Truyền hình tỉnh",
        "Sở Y tế",
        "Ủy ban nhân dân thành phố Hải Dương",
        "Văn phòng Ủy ban nhân dân tỉnh",
    ]
    with time_machine.travel(datetime(2018, 6, 12, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        settle_before(tuesday)
        for key in ("provincial-office", "city-hai-duong", "health"):
            reopen(task_of(key, "IV.0", "2018"), tuesday - timedelta(days=21))
        # The press is not among the bodies IV (opening paragraph) assigns: its own column.
        reopen(task_of("radio-tv", "IV.13.a", "2018:annual_report"), tuesday - timedelta(days=21))
        run_reminders(tuesday)
    (digest,) = smtp.to(COORDINATOR_EMAIL)
    for text in (digest.text, digest.html):
        positions = [text.index(name) for name in expected]
        assert positions == sorted(positions), text
