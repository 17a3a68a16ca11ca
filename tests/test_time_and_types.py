"""Instants are stored in UTC and read back aware; "today" is the Hà Nội calendar day."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import time_machine

from gplan.extensions import db
from gplan.models import MailMessage
from gplan.timeutil import LOCAL_TZ, local_date, local_today


def test_instants_round_trip_aware_in_utc():
    hanoi_morning = datetime(2018, 1, 1, 7, 0, tzinfo=timezone(timedelta(hours=7)))
    message = MailMessage(
        kind="t", recipient="a@haiduong.gov.vn", subject="s", body_text="b", created_at=hanoi_morning
    )
    db.session.add(message)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(MailMessage, message.id).created_at
    assert stored.tzinfo is not None
    assert stored == datetime(2018, 1, 1, 0, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused():
    db.session.add(
        MailMessage(
            kind="t",
            recipient="a@haiduong.gov.vn",
            subject="s",
            body_text="b",
            created_at=datetime(2018, 1, 1),
        )
    )
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("utc_instant", "expected"),
    [
        (datetime(2018, 12, 31, 16, 59, tzinfo=UTC), date(2018, 12, 31)),
        (datetime(2018, 12, 31, 17, 0, tzinfo=UTC), date(2019, 1, 1)),
    ],
)
def test_today_is_the_local_calendar_day(utc_instant, expected):
    with time_machine.travel(utc_instant, tick=False):
        assert local_today() == expected
    assert local_date(utc_instant) == expected


def test_the_server_zone_is_not_the_provinces_even_while_time_travels():
    """The suite runs with the process in New York's zone (tests/conftest.py); travelling to a
    Vietnamese moment must not switch it back, or ``date.today()`` bugs would pass unseen."""
    moment = datetime(2019, 2, 1, 0, 30, tzinfo=LOCAL_TZ)  # still 31/01 in New York
    with time_machine.travel(moment, tick=False):
        assert local_today() == date(2019, 2, 1)
        assert date.today() == date(2019, 1, 31)
