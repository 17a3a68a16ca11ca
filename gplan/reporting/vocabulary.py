"""The words of targets: how a value is compared, by when it is due, and how it stands."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from gplan.vocabulary import RichStrEnum


class TargetStatus(RichStrEnum):
    """How a target value stands, judged from its figures (gplan.reporting.targets.assess)."""

    MET = "met", _l("Met"), "tone-ok"
    ON_TRACK = "on_track", _l("On track"), "tone-progress"
    OFF_TRACK = "off_track", _l("Off track"), "tone-overdue"
    NO_DATA = "no_data", _l("No data"), "tone-idle"


class Comparator(RichStrEnum):
    """How a figure is held against its target (``TargetValue.comparator``, as the plan file
    writes it); the title is the sign shown."""

    AT_LEAST = ">=", "≥"
    AT_MOST = "<=", "≤"
    EQUAL = "=", "="
    MORE_THAN = ">", ">"
    LESS_THAN = "<", "<"

    def holds(self, figure: Decimal, target: Decimal) -> bool:
        """Whether ``figure`` satisfies ``self target`` (for "<=", lower is better)."""
        return bool(_TESTS[self](figure, target))


_TESTS = {
    Comparator.AT_LEAST: lambda figure, target: figure >= target,
    Comparator.AT_MOST: lambda figure, target: figure <= target,
    Comparator.EQUAL: lambda figure, target: figure == target,
    Comparator.MORE_THAN: lambda figure, target: figure > target,
    Comparator.LESS_THAN: lambda figure, target: figure < target,
}


class Horizon(RichStrEnum):
    """By when a target value is due (``TargetValue.horizon_kind``)."""

    END = "end", _l("By the end of the period")
    YEARLY = "yearly", _l("every year")
    TERM = "term", _l("By a stage of the plan")


class BodyReportStatus(RichStrEnum):
    """Where a body's report for a year stands (``BodyReport.status``): written by the body,
    submitted as a whole, then accepted (locked) or returned with a reason."""

    DRAFT = "draft", _l("Draft"), "tone-idle"
    SUBMITTED = "submitted", _l("Submitted, awaiting review"), "tone-progress"
    RETURNED = "returned", _l("Returned"), "tone-late"
    ACCEPTED = "accepted", _l("Accepted"), "tone-ok"

    @property
    def editable(self) -> bool:
        """Whether the body may still change and submit it."""
        return self in (BodyReportStatus.DRAFT, BodyReportStatus.RETURNED)


class ProvinceReportKind(RichStrEnum):
    """Which of the province's reports: every year's, the mid-term review (the plan's third
    year) and the final review (its last year)."""

    ANNUAL = "annual", _l("Annual report")
    MIDTERM = "midterm", _l("Mid-term review report")
    FINAL = "final", _l("Final review report")

    def allows(self, year: int, period: tuple[int, int]) -> bool:
        """Whether a report of this kind exists for ``year`` of a plan running ``period``."""
        start, end = period
        if not start <= year <= end:
            return False
        if self == ProvinceReportKind.MIDTERM:
            return year == min(start + 2, end)
        if self == ProvinceReportKind.FINAL:
            return year == end
        return True

    def first_year(self, year: int, period: tuple[int, int]) -> int:
        """The first year the report looks back on: its own year, or the start of the period."""
        return year if self == ProvinceReportKind.ANNUAL else period[0]
