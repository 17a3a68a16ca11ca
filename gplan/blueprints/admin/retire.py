"""Administration: retiring a body abolished or merged in a reform."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.draft_forms import RetireForm
from gplan.blueprints.decorators import roles_required
from gplan.collation import name_key
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.models import Body
from gplan.plans.retire import plan_retirement, retire_body, retirement_result
from gplan.timeutil import local_today
from gplan.validation import InputError


def _form(body: Body) -> RetireForm:
    form = RetireForm()
    others = db.session.scalars(
        select(Body).where(
            Body.jurisdiction == body.jurisdiction,
            Body.is_group.is_(False),
            Body.retired_on.is_(None),
            Body.is_placeholder.is_(False),  # names no body: nobody to take the work over
            Body.id != body.id,
        )
    )
    choices = sorted(
        ((b.id, b.name) for b in others if b.parent_id is None or b.parent_id != body.id),
        key=lambda c: name_key(c[1]),
    )
    form.successor.choices = [(0, gettext("Nobody: close them with the reason")), *choices]
    if not form.is_submitted():
        form.on.data = local_today()
    return form


def _chosen_successor(form: RetireForm) -> Body | None:
    """The successor chosen in the form, only among the offered bodies."""
    chosen = form.successor.data
    offered = chosen and any(choice[0] == chosen for choice in form.successor.choices or ())
    return db.session.get(Body, chosen) if offered else None


def _retired(form: RetireForm, body: Body, successor: Body | None) -> bool:
    """Retire ``body`` as the form says and tell the admin what was moved and closed; False
    when the input is refused (the form then carries the error)."""
    assert form.on.data is not None  # required
    try:
        result = retire_body(current_user, body, form.on.data, form.reason.data or "", successor)
    except InputError as error:
        show_input_error(form, error)
        return False
    db.session.commit()
    moved, closed = result.moved, len(result.closed)
    flash(
        gettext("Retired: %(moved)d open tasks moved, %(closed)d closed.", moved=moved, closed=closed),
        "success",
    )
    return True


@bp.route("/bodies/<int:body_id>/retire", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def retire(body_id: int):
    body = db.session.get(Body, body_id) or abort(404)
    form = _form(body)
    successor = _chosen_successor(form)
    # "Count" shows what retiring would do for the chosen successor, and changes nothing.
    if not form.preview.data and form.validate_on_submit() and _retired(form, body, successor):
        return redirect(url_for(".retire", body_id=body.id))
    retired = body.retired_on is not None
    page = render_template(
        "admin/retire.html",
        body=body,
        form=form,
        successor=successor,
        on=form.on.data or local_today(),
        planned=None if retired else plan_retirement(body, successor),
        result=retirement_result(body) if retired else None,
    )
    return page, 422 if form.errors else 200
