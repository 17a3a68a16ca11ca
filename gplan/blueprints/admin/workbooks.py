"""Administration: plans as Excel workbooks (an empty one to fill in, or any plan's)."""

from flask import abort, flash, redirect, url_for

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.decorators import roles_required
from gplan.blueprints.downloads import XLSX, download
from gplan.extensions import db
from gplan.models import Plan
from gplan.plans import admin as plan_admin
from gplan.validation import InputError


@bp.route("/plans/workbook-template.xlsx")
@roles_required(Role.ADMIN)
def workbook_template():
    return download(plan_admin.workbook_template(), XLSX, "ke-hoach-mau.xlsx")


@bp.route("/plans/<int:plan_id>/workbook.xlsx")
@roles_required(Role.ADMIN)
def plan_workbook(plan_id: int):
    plan = db.session.get(Plan, plan_id) or abort(404)
    try:
        content = plan_admin.plan_workbook(plan)
    except InputError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.plans"))
    code = plan.code.replace("/", "-")
    return download(content, XLSX, f"ke-hoach-{code}-{plan.period_start}-{plan.period_end}.xlsx")
