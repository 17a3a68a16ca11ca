"""The body's report for a year: its focal points write and submit it; everyone who sees all
bodies reads it, and the coordinators decide on it here too."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from gplan.accounts.access import can_review_reports, can_view_body, can_write_body_report, require
from gplan.blueprints.focal import bp
from gplan.extensions import db
from gplan.models import Body
from gplan.plans import queries as plan_queries
from gplan.reporting import body_reports
from gplan.reporting.annual_report import default_year
from gplan.timeutil import local_today
from gplan.validation import InputError


@bp.route("/p/<int:plan_id>/reports")
@login_required
def report_index(plan_id: int):
    """The top bar's "Reports": a focal point's own report of this year; the list for others."""
    plan = plan_queries.get_plan_or_404(plan_id)
    if not current_user.is_focal_point or current_user.body_id is None:
        return redirect(url_for("coordinator.body_reports_page", plan_id=plan.id))
    year = default_year(plan, local_today())
    return redirect(url_for(".body_report", plan_id=plan.id, body_id=current_user.body_id, year=year))


def _report(plan_id: int, body_id: int, year: int) -> body_reports.BodyYearReport:
    plan = plan_queries.get_plan_or_404(plan_id)
    body = db.session.get(Body, body_id) or abort(404)
    require(can_view_body(current_user, body))
    if year not in plan.years or not plan_queries.body_in_plan(plan, body):
        abort(404)
    return body_reports.assemble(plan, body, year, local_today())


def _report_page(report: body_reports.BodyYearReport, typed: dict, errors: dict, status: int):
    return render_template(
        "focal/body_report.html",
        plan=report.plan,
        report=report,
        typed=typed,
        errors=errors,
        may_write=can_write_body_report(current_user, report.body) and report.status.editable,
        may_review=can_review_reports(current_user),
    ), status


@bp.route("/p/<int:plan_id>/bodies/<int:body_id>/report/<int:year>", methods=["GET", "POST"])
@login_required
def body_report(plan_id: int, body_id: int, year: int):
    report = _report(plan_id, body_id, year)
    if request.method == "GET":
        return _report_page(report, {}, {}, 200)
    require(can_write_body_report(current_user, report.body))
    fields = {s.key: f"narrative-{s.key}" for s in report.objectives}
    typed = {key: request.form[name] for key, name in fields.items() if name in request.form}
    submit = "submit" in request.form
    try:
        body_reports.save(current_user, report, typed, request.form.get("version", type=int), submit=submit)
        db.session.commit()
    except InputError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _report_page(report, typed, error.fields, 422)
    flash(gettext("Submitted for review.") if submit else gettext("Saved."), "success")
    return redirect(url_for(".body_report", plan_id=plan_id, body_id=body_id, year=year))
