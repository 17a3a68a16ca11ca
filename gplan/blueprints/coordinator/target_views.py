"""The plan's targets: every value with its yearly actuals, trend and status; entering figures."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from gplan.accounts.access import require
from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.forms import ActualForm
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.models import TargetValue
from gplan.plans.queries import get_plan_or_404
from gplan.reporting import targets as target_data
from gplan.reporting.actuals import FigureConflict, can_enter_actual, current_version, record_actual
from gplan.timeutil import local_today
from gplan.validation import InputError


@bp.route("/p/<int:plan_id>/targets")
@login_required
def targets(plan_id: int):
    """Everything for those who see all bodies; for a focal point, the figures its body reports."""
    plan = get_plan_or_404(plan_id)
    owner = target_data.targets_scope(current_user, plan)
    rows = target_data.target_rows(plan, owner_body_id=owner, charts="compact")
    return render_template(
        "coordinator/targets.html", plan=plan, rows=rows, years=target_data.chart_years(plan)
    )


def _actual_form(row, plan) -> ActualForm:
    """The entry form; opened for a year, it holds that year's figures to be corrected."""
    years = target_data.chart_years(plan)
    if request.method == "POST":
        form = ActualForm()
    else:
        year = request.args.get("year", type=int) or min(max(local_today().year - 1, years[1]), years[-1])
        form = ActualForm(formdata=None, obj=row.actuals.get(year), year=year)
        form.read_version(year, current_version(row.actuals.get(year)))
    form.year.choices = [
        (y, gettext("%(year)d (baseline)", year=y) if y == years[0] else str(y)) for y in years
    ]
    return form


def _plan_and_value(plan_id: int, value_id: int):
    plan = get_plan_or_404(plan_id)
    value = db.session.get(TargetValue, value_id)
    if value is None or value.target.objective.plan_id != plan.id:
        abort(404)
    return plan, value


@bp.route("/p/<int:plan_id>/targets/<int:value_id>", methods=["GET", "POST"])
@login_required
def target(plan_id: int, value_id: int):
    plan, value = _plan_and_value(plan_id, value_id)
    require(target_data.can_view_target(current_user, value))
    may_enter = can_enter_actual(current_user, value)
    require(may_enter or request.method != "POST")
    row = target_data.target_row(value)
    form = _actual_form(row, plan) if may_enter else None
    status = 200
    if form is not None and form.validate_on_submit():
        try:
            _save_figure(value, form)
        except FigureConflict as conflict:
            db.session.rollback()
            row, status = target_data.target_row(value), 409  # the figures as they are now
            form.read_version(form.year.data, current_version(conflict.actual))
            flash(_conflict_message(form.year.data), "error")
        except InputError as error:
            show_input_error(form, error)
        else:
            flash(gettext("The %(year)d figure was saved.", year=form.year.data), "success")
            return redirect(url_for(".target", plan_id=plan.id, value_id=value.id))
    if form is not None and form.errors:
        flash(gettext("Nothing was saved: please correct what is marked below."), "error")
    history = target_data.revisions(value)
    return render_template("coordinator/target.html", plan=plan, row=row, form=form, history=history), status


def _save_figure(value: TargetValue, form: ActualForm) -> None:
    data = {name: form[name].data for name in ("value", "value_women", "value_men", "source", "note")}
    expected = form.expected_version()
    record_actual(current_user, value, form.year.data, expected_version=expected, **data)
    db.session.commit()


def _conflict_message(year: int) -> str:
    return gettext(
        "Nothing was saved: the %(year)d figure was entered or changed after you opened this form. "
        "The figures as they are now are in the table above; yours are kept below. Save again to "
        "replace them.",
        year=year,
    )
