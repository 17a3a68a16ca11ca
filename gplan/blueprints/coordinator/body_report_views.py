"""The bodies' reports for a year (decided on one by one), and the province's report compiled
from the accepted ones: printable, filled in and downloaded as Word."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from gplan.accounts.access import can_review_reports
from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.args import coordinator_pages
from gplan.blueprints.downloads import DOCX, download
from gplan.extensions import db
from gplan.models import BodyReport
from gplan.plans import queries as plan_queries
from gplan.reporting import body_reports, province_report, report_decisions, word_report
from gplan.reporting.annual_report import default_year
from gplan.reporting.vocabulary import ProvinceReportKind
from gplan.timeutil import local_today
from gplan.validation import InputError

STAFF_PAGES = coordinator_pages  # the domain functions refuse the observer's writes (403)
DECISIONS = {
    "accept": lambda user, report, form: report_decisions.accept(user, report, form.get("version", type=int)),
    "return": lambda user, report, form: report_decisions.return_report(
        user, report, form.get("reason"), form.get("version", type=int)
    ),
    "reopen": lambda user, report, form: report_decisions.reopen(
        user, report, form.get("reason"), form.get("version", type=int)
    ),
}


@bp.route("/p/<int:plan_id>/body-reports")
@coordinator_pages
def body_reports_page(plan_id: int):
    plan = plan_queries.get_plan_or_404(plan_id)
    year = request.args.get("year", type=int) or default_year(plan, local_today())
    if year not in plan.years:
        abort(404)
    kinds = [k for k in ProvinceReportKind if k.allows(year, (plan.period_start, plan.period_end))]
    return render_template(
        "coordinator/body_reports.html",
        plan=plan,
        year=year,
        bodies=plan_queries.task_holding_bodies(plan),
        reports=body_reports.reports_of(plan, year),
        kinds=kinds,
    )


def _refused(report: BodyReport, decision: str, error: InputError):
    """The report's page again with the refusal under the reason typed, kept."""
    flash(error.message, "error")
    page = render_template(
        "focal/body_report.html",
        plan=report.plan,
        report=body_reports.assemble(report.plan, report.body, report.year, local_today()),
        typed={},
        errors={},
        reason=request.form.get("reason", ""),
        reason_error=error.message,
        decision=decision,
        may_write=False,
        may_review=can_review_reports(current_user),
    )
    return page, 422


@bp.route("/body-reports/<int:report_id>/<any(accept, return, reopen):decision>", methods=["POST"])
@STAFF_PAGES
def decide_body_report(report_id: int, decision: str):
    report = db.session.get(BodyReport, report_id) or abort(404)
    try:
        DECISIONS[decision](current_user, report, request.form)
    except InputError as error:
        db.session.rollback()
        return _refused(report, decision, error)
    db.session.commit()
    flash(gettext("Saved."), "success")
    return redirect(
        url_for("focal.body_report", plan_id=report.plan_id, body_id=report.body_id, year=report.year)
    )


def _kind(plan, kind: str, year: int) -> ProvinceReportKind:
    return province_report.check_kind(plan, kind, year) or abort(404)


def _province_page(plan, member: ProvinceReportKind, year: int, errors: dict, status: int):
    compiled = province_report.compile_report(plan, member, year, local_today())
    return render_template(
        "coordinator/province_report.html",
        plan=plan,
        report=compiled,
        typed=request.form if errors else None,
        errors=errors,
        may_edit=can_review_reports(current_user),
        title=word_report.title_of(compiled),
        date_line=word_report.date_line(word_report.place_of(compiled), compiled.settings.issued_on),
        number_line=word_report.number_line(compiled.settings.number),
        target_text=word_report.target_text,
    ), status


@bp.route("/p/<int:plan_id>/province-report/<kind>/<int:year>", methods=["GET", "POST"])
@coordinator_pages
def province_report_page(plan_id: int, kind: str, year: int):
    plan = plan_queries.get_plan_or_404(plan_id)
    member = _kind(plan, kind, year)
    if request.method == "GET":
        return _province_page(plan, member, year, {}, 200)
    try:
        province_report.save_settings(
            current_user, plan, member, year, request.form, request.form.get("version", type=int)
        )
        db.session.commit()
    except InputError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _province_page(plan, member, year, error.fields, 422)
    flash(gettext("Saved."), "success")
    return redirect(url_for(".province_report_page", plan_id=plan.id, kind=kind, year=year))


@bp.route("/p/<int:plan_id>/province-report/<kind>/<int:year>.docx")
@coordinator_pages
def province_report_docx(plan_id: int, kind: str, year: int):
    plan = plan_queries.get_plan_or_404(plan_id)
    compiled = province_report.compile_report(plan, _kind(plan, kind, year), year, local_today())
    return download(word_report.province_docx(compiled), DOCX, word_report.file_name(compiled))
