"""Exports (.xlsx, CSV) and the printable annual summary report."""

from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user

from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.args import chosen_year, coordinator_pages
from gplan.blueprints.downloads import XLSX, download
from gplan.plans.queries import get_plan_or_404
from gplan.reporting import exports
from gplan.reporting.annual_report import annual_report, default_year
from gplan.timeutil import local_today

CSV_VIEWS = tuple(exports.SHEETS)


CSV = "text/csv; charset=utf-8"


@bp.route("/p/<int:plan_id>/export")
@coordinator_pages
def exports_page(plan_id: int):
    plan = get_plan_or_404(plan_id)
    return render_template("coordinator/exports.html", plan=plan, year=chosen_year(plan), views=CSV_VIEWS)


@bp.route("/p/<int:plan_id>/export.xlsx")
@coordinator_pages
def export_xlsx(plan_id: int):
    plan = get_plan_or_404(plan_id)
    year = chosen_year(plan)
    content = exports.workbook(plan, local_today(), year, current_user)
    return download(content, XLSX, exports.file_name(plan, year, ".xlsx"))


def _csv(plan_id: int, view: str, vietnamese_excel: bool) -> Response:
    plan = get_plan_or_404(plan_id)
    if view not in CSV_VIEWS:
        abort(404)
    year = chosen_year(plan)
    content = exports.csv_file(
        plan, local_today(), year, view, current_user, vietnamese_excel=vietnamese_excel
    )
    suffix = f"-{view}-excel-vi.csv" if vietnamese_excel else f"-{view}.csv"
    return download(content, CSV, exports.file_name(plan, year, suffix))


@bp.route("/p/<int:plan_id>/export/<view>.csv")
@coordinator_pages
def export_csv(plan_id: int, view: str):
    return _csv(plan_id, view, vietnamese_excel=False)


@bp.route("/p/<int:plan_id>/export/<view>-excel-vi.csv")
@coordinator_pages
def export_csv_excel_vi(plan_id: int, view: str):
    """For Excel and LibreOffice set to Vietnamese: fields separated by ";", decimal ","."""
    return _csv(plan_id, view, vietnamese_excel=True)


@bp.route("/p/<int:plan_id>/report")
@coordinator_pages
def report_index(plan_id: int):
    plan = get_plan_or_404(plan_id)
    return redirect(url_for(".report", plan_id=plan.id, year=default_year(plan, local_today())))


@bp.route("/p/<int:plan_id>/report/<int:year>")
@coordinator_pages
def report(plan_id: int, year: int):
    plan = get_plan_or_404(plan_id)
    if year not in plan.years:
        abort(404)
    return render_template(
        "coordinator/report.html", plan=plan, report=annual_report(plan, year, local_today())
    )
