"""Administration: importing plan files, rolling a plan over, report due days."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import Field, StringField, SubmitField

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.forms import PlanUploadForm, ReviewSettingsForm, RolloverForm
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.forms import BaseForm, show_input_error
from gplan.models import Plan
from gplan.plans import admin as plan_admin
from gplan.plans import draft_start, drafts
from gplan.plans import queries as plan_queries
from gplan.plans.file import PlanFileError
from gplan.tasks.review_settings import set_review
from gplan.templating import locale_code
from gplan.validation import InputError


def _plan_or_404(plan_id: int) -> Plan:
    return db.session.get(Plan, plan_id) or abort(404)


@bp.route("/plans")
@roles_required(Role.ADMIN)
def plans():
    return render_template("admin/plans.html", plans=plan_queries.all_plans(), drafts=drafts.unpublished())


def _read(upload) -> tuple[str, str]:
    return upload.filename, plan_admin.decode_upload(upload.read(), upload.filename)


def _imported(result):
    db.session.commit()
    tasks = result.tasks
    flash(
        gettext(
            "%(verb)s %(code)s (%(period)s): %(created)d tasks created, %(updated)d re-dated, "
            "%(removed)d removed, %(kept)d kept because they have progress.",
            verb=gettext("Imported") if result.created else gettext("Updated"),
            code=result.plan.code,
            period=result.plan.period_label,
            created=tasks.created,
            updated=tasks.updated,
            removed=tasks.removed,
            kept=tasks.kept_with_progress,
        ),
        "success",
    )
    return redirect(url_for("plans.overview", plan_id=result.plan.id))


@bp.route("/plans/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_plan():
    form = PlanUploadForm()
    problems = None
    if form.validate_on_submit():
        try:
            name, text = _read(form.file.data)
            if form.period is None:
                return _imported(plan_admin.import_text(current_user, text, name))
            # Another period is a new document: a draft, published when the admin has written it.
            new = draft_start.draft_from_file(current_user, name, text, form.period)
            db.session.commit()
            return redirect(url_for(".draft", draft_id=new.id))
        except PlanFileError as error:
            problems = error
        except InputError as error:
            show_input_error(form, error)
    status = 422 if form.errors or problems else 200
    return render_template("admin/plan_import.html", form=form, problems=problems), status


@bp.route("/plans/<int:plan_id>/roll-over", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def roll_over(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = RolloverForm()
    if not form.is_submitted():
        form.start.data, form.end.data = plan.period_end + 1, 2 * plan.period_end - plan.period_start + 1
    problems = None
    if form.validate_on_submit():
        assert form.period is not None  # the first year is required, and both or neither
        try:
            upload = _read(form.file.data) if form.file.data and form.file.data.filename else None
            # A draft, not a re-dated copy: it reaches nobody until the admin publishes it.
            new = draft_start.start_rollover(current_user, plan, form.period, upload)
            db.session.commit()
            return redirect(url_for(".draft", draft_id=new.id))
        except PlanFileError as error:
            problems = error
        except InputError as error:
            show_input_error(form, error)
    has_source = plan_admin.source_of(plan) is not None
    status = 422 if form.errors or problems else 200
    return render_template(
        "admin/plan_rollover.html", plan=plan, form=form, problems=problems, has_source=has_source
    ), status


def _due_days_form(plan: Plan) -> BaseForm:
    """One MM-DD field per named due day of the plan."""
    english = locale_code() == "en"
    fields: dict[str, Field] = {
        name: StringField(
            (day.get("label_en") if english else None) or day.get("label") or name,
            default=day.get("date"),
            description=gettext("MM-DD; the plan file says %(default)s.", default=day.get("default")),
        )
        for name, day in (plan.due_days or {}).items()
    }
    fields["submit"] = SubmitField(gettext("Save and re-date the tasks"))
    return type("DueDaysForm", (BaseForm,), fields)()


@bp.route("/plans/<int:plan_id>/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def plan_settings(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = _due_days_form(plan)
    if form.validate_on_submit():
        dates = {name: form[name].data for name in plan.due_days or {}}
        try:
            result = plan_admin.set_due_days(current_user, plan, dates)
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Saved: %(updated)d tasks re-dated.", updated=result.updated), "success")
            return redirect(url_for(".plan_settings", plan_id=plan.id))
    return render_template(
        "admin/plan_settings.html", plan=plan, form=form, review_form=ReviewSettingsForm(obj=plan)
    ), 422 if form.errors else 200


@bp.route("/plans/<int:plan_id>/review", methods=["POST"])
@roles_required(Role.ADMIN)
def plan_review(plan_id: int):
    plan = _plan_or_404(plan_id)
    review_form = ReviewSettingsForm()
    if review_form.validate_on_submit():
        try:
            set_review(
                current_user, plan, review_form.review_required.data, review_form.review_wait_days.data
            )
        except InputError as error:
            show_input_error(review_form, error)
        else:
            db.session.commit()
            on = gettext("Saved: review is on.") if plan.review_required else gettext("Saved: review is off.")
            flash(on, "success")
            return redirect(url_for(".plan_settings", plan_id=plan.id))
    page = render_template(
        "admin/plan_settings.html", plan=plan, form=_due_days_form(plan), review_form=review_form
    )
    return page, 422
