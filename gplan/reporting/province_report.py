"""The province's report, compiled from the accepted body reports and the targets' figures, in
the administrative format of Decree 30/2020/NĐ-CP (printed as HTML, downloaded as Word by
``word_report``). The coordinator fills in its number, signer, recipients and narrative."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext, ngettext
from sqlalchemy import select

from gplan.accounts.access import can_review_reports, require
from gplan.extensions import db
from gplan.forms import parse_local_date
from gplan.models import Body, BodyReport, Objective, Plan, ProvinceReport, User
from gplan.ops import audit
from gplan.reporting.annual_report import TargetLine, target_lines
from gplan.reporting.body_year import progress_by_year
from gplan.reporting.status_counts import StatusCounts
from gplan.reporting.vocabulary import BodyReportStatus, ProvinceReportKind
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import utcnow
from gplan.validation import Conflict, InputError

TEXT_FIELDS = {"number": 80, "signer_name": 200, "signer_title": 200}
LONG_FIELDS = ("recipients", "results", "shortcomings", "directions")
LONG_MAX = 20000


class SettingsConflict(Conflict):
    """Another coordinator saved the report's settings since the caller read them."""

    def __init__(self) -> None:
        super().__init__(gettext("Someone else saved this report since you opened it: open it again."))


@dataclass
class ObjectiveResult:
    objective: Objective
    targets: list[TargetLine] = field(default_factory=list)
    narratives: list[tuple[Body, str]] = field(default_factory=list)  # from the accepted reports


@dataclass
class CompiledReport:
    plan: Plan
    kind: ProvinceReportKind
    year: int
    first_year: int
    settings: ProvinceReport
    counts: StatusCounts
    objectives: list[ObjectiveResult]
    accepted: list[BodyReport]
    pending: list[BodyReport]  # submitted or returned, not (yet) in the report

    @property
    def results_text(self) -> str:
        """The coordinator's text for part I, else one written from the counts."""
        if self.settings.results:
            return self.settings.results
        c = self.counts
        text = gettext(
            "From %(first)d to %(year)d the implementing bodies had %(total)d tasks: %(done)d done "
            "(%(late)d of them late), %(overdue)d overdue. %(accepted)d bodies' reports were accepted.",
            first=self.first_year,
            year=self.year,
            total=c.total,
            done=c.done,
            late=c.count(TaskStatus.DONE_LATE),
            overdue=c.overdue,
            accepted=len(self.accepted),
        )
        if c.closed_late:  # never done, though no longer overdue: said, not left out
            closed = ngettext(
                "%(num)d task was closed when overdue, as its body was retired: it counts as not done.",
                "%(num)d tasks were closed when overdue, as their bodies were retired: they count as "
                "not done.",
                c.closed_late,
            )
            text = f"{text} {closed}"
        return text


def settings_for(plan: Plan, kind: ProvinceReportKind, year: int) -> ProvinceReport:
    """The saved settings, or new (unsaved) ones with the province's usual defaults."""
    found = db.session.scalar(select(ProvinceReport).filter_by(plan_id=plan.id, kind=kind, year=year))
    if found is not None:
        return found
    return ProvinceReport(plan_id=plan.id, kind=kind, year=year, version=0)


def check_kind(plan: Plan, kind: str, year: int) -> ProvinceReportKind | None:
    """The kind named in a request, when such a report exists for ``year``; else None."""
    member = ProvinceReportKind.get(kind)
    return member if member and member.allows(year, (plan.period_start, plan.period_end)) else None


def compile_report(plan: Plan, kind: ProvinceReportKind, year: int, today: date) -> CompiledReport:
    """Part I's objectives with their targets' figures up to ``year`` and the accepted body
    reports' narratives; the task counts of the years the report looks back on."""
    first = kind.first_year(year, (plan.period_start, plan.period_end))
    rows, _total = progress_by_year(plan, today)
    counts = StatusCounts()
    for row in rows:
        if first <= row.year <= year:
            counts.merge(row.counts)
    reports = list(
        db.session.scalars(
            select(BodyReport).filter_by(plan_id=plan.id, year=year).order_by(BodyReport.body_id)
        )
    )
    accepted = [r for r in reports if r.status == BodyReportStatus.ACCEPTED]
    results = {o.id: ObjectiveResult(o) for o in sorted(plan.objectives, key=lambda o: o.number)}
    by_ref = {r.objective.ref: r for r in results.values()}
    for line in target_lines(plan, year):
        results[line.row.target.objective_id].targets.append(line)
    for report in accepted:
        for ref, text in (report.narratives or {}).items():
            if ref in by_ref and text:
                by_ref[ref].narratives.append((report.body, text))
    pending = [r for r in reports if r.status in (BodyReportStatus.SUBMITTED, BodyReportStatus.RETURNED)]
    return CompiledReport(
        plan,
        kind,
        year,
        first,
        settings_for(plan, kind, year),
        counts,
        list(results.values()),
        accepted,
        pending,
    )


def save_settings(
    user: User,
    plan: Plan,
    kind: ProvinceReportKind,
    year: int,
    values: Mapping[str, str | None],
    expected_version: int | None,
) -> ProvinceReport:
    """Save what the coordinator filled in (number, date, signer, recipients, narrative).
    ``expected_version`` is the version read (0: never saved); a change meanwhile raises
    :class:`SettingsConflict`. The caller commits."""
    require(can_review_reports(user))
    settings = settings_for(plan, kind, year)
    if expected_version is not None and expected_version != settings.version:
        raise SettingsConflict
    problems = {
        name: gettext("At most %(n)d characters.", n=limit)
        for name, limit in (*TEXT_FIELDS.items(), *((n, LONG_MAX) for n in LONG_FIELDS))
        if len((values.get(name) or "").strip()) > limit
    }
    issued_text = (values.get("issued_on") or "").strip()
    issued_on = parse_local_date(issued_text) if issued_text else None
    if issued_text and issued_on is None:
        problems["issued_on"] = gettext("Enter the date as day/month/year, e.g. 31/12/2026.")
    if problems:
        raise InputError(gettext("Nothing was saved: please correct what is marked below."), fields=problems)
    if settings.id is None:
        settings.version = None  # the mapper numbers the first version
        db.session.add(settings)
    for name in (*TEXT_FIELDS, *LONG_FIELDS):
        setattr(settings, name, (values.get(name) or "").strip() or None)
    settings.issued_on = issued_on
    settings.updated_by_id, settings.updated_at = user.id, utcnow()
    audit.record(
        audit.PROVINCE_REPORT_SAVED,
        actor=user,
        subject=settings,
        summary=f"{kind.value} {year}: {settings.number or ''}",
    )
    db.session.flush()
    return settings
