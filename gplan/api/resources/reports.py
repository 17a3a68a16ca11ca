"""The body's report for a year (read, write, submit; accept, return, reopen) and the province's
report compiled from the accepted ones: the same functions and rules as the pages."""

from flask import abort

from gplan.accounts.access import can_view_body, require
from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.inputs import BodyReportInputSchema, DecisionInputSchema, ReasonedDecisionInputSchema
from gplan.api.report_schemas import BodyReportSchema, ProvinceReportSchema
from gplan.api.resources.plans import get_plan
from gplan.extensions import db
from gplan.models import Body, BodyReport
from gplan.plans.queries import body_in_plan
from gplan.reporting import body_reports, province_report, report_decisions
from gplan.timeutil import local_today

bp = resource_blueprint(
    "Reports",
    __name__,
    "The bodies' yearly reports (submitted by the body, accepted or returned by a coordinator) "
    "and the province's report compiled from the accepted ones.",
)
ID = "int(max=2147483647)"
BODY_REPORT = f"/plans/<{ID}:plan_id>/bodies/<{ID}:body_id>/reports/<{ID}:year>"


def _assembled(plan_id: int, body_id: int, year: int) -> body_reports.BodyYearReport:
    plan = get_plan(plan_id)
    body = db.session.get(Body, body_id) or abort(404)
    require(can_view_body(api_user(), body))
    if year not in plan.years or not body_in_plan(plan, body):
        abort(404)
    return body_reports.assemble(plan, body, year, local_today())


@bp.get(BODY_REPORT)
@bp.response(200, BodyReportSchema)
@documented_errors(bp, 401, 403, 404)
def body_report(plan_id: int, body_id: int, year: int):
    """A body's report for a year: its status, its tasks by objective with what was recorded on
    them, and its narrative per objective (a focal point: its own body's only)."""
    return _assembled(plan_id, body_id, year)


def _write(data: dict, plan_id: int, body_id: int, year: int, submit: bool):
    assembled = _assembled(plan_id, body_id, year)
    body_reports.save(api_user(), assembled, data["narratives"], data["version"], submit=submit)
    db.session.commit()
    return assembled


@bp.put(BODY_REPORT)
@bp.arguments(BodyReportInputSchema)
@bp.response(200, BodyReportSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 413, 415)
def save_body_report(data: dict, plan_id: int, body_id: int, year: int):
    """Save the narratives (the body's own focal points, while a draft or returned); 409 when
    the report changed since the `version` you read, or is submitted or accepted."""
    return _write(data, plan_id, body_id, year, submit=False)


@bp.post(BODY_REPORT + "/submit")
@bp.arguments(BodyReportInputSchema)
@bp.response(200, BodyReportSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 413, 415)
def submit_body_report(data: dict, plan_id: int, body_id: int, year: int):
    """Submit the report as a whole (with any narratives sent): every objective needs one (422)."""
    return _write(data, plan_id, body_id, year, submit=True)


def _decided(report_id: int, decide) -> body_reports.BodyYearReport:
    report = db.session.get(BodyReport, report_id) or abort(404)
    decide(report)
    db.session.commit()
    return body_reports.assemble(report.plan, report.body, report.year, local_today())


@bp.post(f"/body-reports/<{ID}:report_id>/accept")
@bp.arguments(DecisionInputSchema)
@bp.response(200, BodyReportSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 415)
def accept_body_report(data: dict, report_id: int):
    """Accept a submitted report (coordinators and administrators); it is locked from then on.
    409 when it is not waiting or changed since the `version` you read."""
    return _decided(report_id, lambda r: report_decisions.accept(api_user(), r, data["version"]))


@bp.post(f"/body-reports/<{ID}:report_id>/return")
@bp.arguments(ReasonedDecisionInputSchema)
@bp.response(200, BodyReportSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 415)
def return_body_report(data: dict, report_id: int):
    """Return a submitted report to the body with a reason (required, 422 without)."""
    return _decided(
        report_id, lambda r: report_decisions.return_report(api_user(), r, data["reason"], data["version"])
    )


@bp.post(f"/body-reports/<{ID}:report_id>/reopen")
@bp.arguments(ReasonedDecisionInputSchema)
@bp.response(200, BodyReportSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 415)
def reopen_body_report(data: dict, report_id: int):
    """Reopen an accepted report with a reason (required): it goes back to the body as returned."""
    return _decided(
        report_id, lambda r: report_decisions.reopen(api_user(), r, data["reason"], data["version"])
    )


@bp.get(f"/plans/<{ID}:plan_id>/province-reports/<kind>/<{ID}:year>")
@bp.response(200, ProvinceReportSchema)
@documented_errors(bp, 401, 403, 404)
def province(plan_id: int, kind: str, year: int):
    """The province's report (`annual`, `midterm` for the plan's third year, `final` for its
    last): each objective's targets against their goals and the accepted bodies' narratives.
    For those who see all bodies."""
    plan = get_plan(plan_id)
    require(api_user().sees_all_bodies)
    member = province_report.check_kind(plan, kind, year) or abort(404)
    return province_report.compile_report(plan, member, year, local_today())
