"""Calendar dates are Asia/Ho_Chi_Minh dates; instants are UTC-aware datetimes."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date where the plan is carried out, whatever the server's clock zone."""
    return datetime.now(LOCAL_TZ).date()


def local_date(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def to_local(instant: datetime) -> datetime:
    return instant.astimezone(LOCAL_TZ)
