"""Calendar dates are Asia/Ho_Chi_Minh dates; instants are UTC-aware datetimes.

An installation may run on a simulated date (``GPLAN_TODAY``, or ``flask serve --demo --today``):
the demo shows a plan of 2016–2020 as it was on a day inside that period. The clock is then
moved by whole days (``CLOCK_OFFSET``), so the time of day still runs, "today" and every instant
recorded agree with each other, and each page says that the date is simulated.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NO_OFFSET = timedelta(0)


def clock_offset() -> timedelta:
    """How far the installation's clock is moved from the real one (zero unless simulated)."""
    if not has_app_context():
        return NO_OFFSET
    offset: timedelta = current_app.config.get("CLOCK_OFFSET") or NO_OFFSET
    return offset


def utcnow() -> datetime:
    return datetime.now(UTC) + clock_offset()


def local_today() -> date:
    """Today's date where the plan is carried out, whatever the server's clock zone."""
    return (datetime.now(LOCAL_TZ) + clock_offset()).date()


def local_date(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def to_local(instant: datetime) -> datetime:
    return instant.astimezone(LOCAL_TZ)


def parse_day(text: str) -> date:
    """A date written dd/mm/yyyy (as users write it) or yyyy-mm-dd (ISO); ValueError otherwise."""
    text = text.strip()
    if "/" in text:
        return datetime.strptime(text, "%d/%m/%Y").date()
    return date.fromisoformat(text)


def simulate_today(app: Flask, day: date | None) -> None:
    """Run ``app`` as if today were ``day`` in the province (None: the real date)."""
    if day is None:
        app.config["CLOCK_OFFSET"], app.config["SIMULATED_TODAY"] = NO_OFFSET, None
        return
    app.config["CLOCK_OFFSET"] = timedelta(days=(day - datetime.now(LOCAL_TZ).date()).days)
    app.config["SIMULATED_TODAY"] = day


def simulated_today() -> date | None:
    """Today's date when it is simulated, for the banner; None on the real date."""
    if not has_app_context() or not current_app.config.get("SIMULATED_TODAY"):
        return None
    return local_today()
