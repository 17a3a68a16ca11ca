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
