"""Administration: bodies, their names and contact addresses, and member units of groups."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.forms import BodyForm, MemberForm
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.forms import show_input_error
from gplan.models import Body
from gplan.paging import fetch_page, requested_page
from gplan.plans import bodies as body_admin
from gplan.validation import InputError


@bp.route("/bodies")
@roles_required(Role.ADMIN)
def bodies():
    typed = (request.args.get("q") or "").strip()[:100]
    rows = body_admin.body_rows(typed)
    page = fetch_page(
        lambda limit, offset: rows[offset : offset + limit], *requested_page(request.args), len(rows)
    )
    return render_template("admin/bodies.html", page=page, search=typed)


def _page(body: Body, form: BodyForm, member_form: MemberForm | None):
    plans = body_admin.plans_of_group(body) if body.is_group else []
    suggested = body_admin.suggested_members(body) if body.is_group else []
    return render_template(
        "admin/body.html", body=body, form=form, member_form=member_form, plans=plans, suggested=suggested
    )


@bp.route("/bodies/<int:body_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def body(body_id: int):
    found = db.session.get(Body, body_id) or abort(404)
    form = BodyForm(obj=found)
    if form.validate_on_submit():
        try:
            values = {name: form[name].data for name in body_admin.EDITABLE}
            body_admin.update_body(current_user, found, **values)
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Saved."), "success")
            return redirect(url_for(".body", body_id=found.id))
    return _page(found, form, MemberForm(formdata=None) if found.is_group else None)


@bp.post("/bodies/<int:body_id>/members")
@roles_required(Role.ADMIN)
def add_member(body_id: int):
    group = db.session.get(Body, body_id) or abort(404)
    if not group.is_group:
        abort(404)
    form = MemberForm()
    if form.validate_on_submit():
        values = {name: form[name].data for name in ("key", "name", "name_en", "short_name", "contact_email")}
        try:
            member, results = body_admin.add_member(current_user, group, **values)
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            created = sum(result.created for result in results.values())
            flash(
                gettext("%(name)s was added, with %(n)d tasks.", name=member.name, n=created),
                "success",
            )
            return redirect(url_for(".body", body_id=group.id))
    return _page(group, BodyForm(obj=group, formdata=None), form), 422
