"""Administration: a plan draft written in the browser (number, date, title, texts, duties,
bodies) and published when ready."""

from collections.abc import Callable
from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.draft_forms import (
    DraftBodyForm,
    DraftHeaderForm,
    DraftTextForm,
    DutyForm,
    TargetOwnerForm,
)
from gplan.blueprints.admin.forms import ActionForm
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.forms import parse_local_date, show_input_error
from gplan.models import PlanDraft
from gplan.paging import fetch_page, requested_page
from gplan.plans import draft_edits, draft_publish, drafts
from gplan.plans import draft_texts as texts
from gplan.plans.file import PlanFileError
from gplan.validation import InputError


def _draft_or_404(draft_id: int) -> PlanDraft:
    return db.session.get(PlanDraft, draft_id) or abort(404)


def _header_form(draft: PlanDraft, formdata=None) -> DraftHeaderForm:
    header = draft.header
    form = DraftHeaderForm(formdata=formdata, data={k: header.get(k) for k in ("code", "title", "title_en")})
    if formdata is None:
        form.issued_on.data = parse_local_date(header.get("issued_on") or "")
    return form


def _saved(form, edit: Callable[[], object], back: str) -> Response | None:
    """Make a draft edit and go ``back``; None, with the refusal shown on ``form``, if refused."""
    try:
        edit()
    except InputError as error:
        show_input_error(form, error)
        return None
    db.session.commit()
    flash(gettext("Saved."), "success")
    return redirect(back)


def _body_form(draft: PlanDraft, formdata=None) -> DraftBodyForm:
    form = DraftBodyForm(formdata=formdata)
    groups = [b for b in draft.content.get("bodies", []) if b.get("group")]
    form.group.choices = [("", gettext("— none: a body of its own —"))] + [
        (b["key"], b["name"]) for b in groups
    ]
    return form


def _page(draft: PlanDraft, header=None, body_form=None, problems=None, status=200):
    return render_template(
        "admin/drafts/draft.html",
        draft=draft,
        form=header or _header_form(draft),
        body_form=body_form or _body_form(draft),
        action=ActionForm(),
        flagged=texts.flagged_texts(draft),
        problems=problems,
    ), status


@bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def draft(draft_id: int):
    found = _draft_or_404(draft_id)
    form = _header_form(found, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        values = {name: form[name].data for name in ("code", "title", "title_en", "issued_on")}
        try:
            drafts.edit_header(current_user, found, **values)
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Saved."), "success")
            return redirect(url_for(".draft", draft_id=found.id))
    return _page(found, header=form, status=422 if form.errors else 200)


@bp.route("/drafts/<int:draft_id>/texts")
@roles_required(Role.ADMIN)
def draft_texts(draft_id: int):
    found = _draft_or_404(draft_id)
    every = texts.texts(found)
    number, per_page = requested_page(request.args)
    page = fetch_page(lambda limit, offset: every[offset : offset + limit], number, per_page, len(every))
    return render_template("admin/drafts/texts.html", draft=found, page=page)


@bp.route("/drafts/<int:draft_id>/texts/<path>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def draft_text(draft_id: int, path: str):
    found = _draft_or_404(draft_id)
    try:
        text = texts.text_at(found, path)
    except InputError:
        abort(404)
    form = DraftTextForm(data={"text": text.text})
    if form.validate_on_submit():
        edit = partial(texts.edit_text, current_user, found, path, form.text.data or "")
        if saved := _saved(form, edit, url_for(".draft", draft_id=found.id)):
            return saved
    status = 422 if form.errors else 200
    return render_template("admin/drafts/text.html", draft=found, text=text, form=form), status


@bp.route("/drafts/<int:draft_id>/duties/<ref>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def draft_duty(draft_id: int, ref: str):
    found = _draft_or_404(draft_id)
    try:
        item = draft_edits.duty(found.content, ref)
    except InputError:
        abort(404)
    shown = {role: ", ".join(item.get(role, [])) for role in draft_edits.ROLES}
    rule = item["schedule"]
    shown |= {name: ", ".join(v) if isinstance(v, list) else v for name, v in rule.items()}
    form = DutyForm(data={"text": item["text"], **shown})
    if form.validate_on_submit():
        schedule = {name: form[name].data for name in draft_edits.SCHEDULE_FIELDS}
        roles = {role: form[role].data or "" for role in draft_edits.ROLES}
        edit = partial(
            draft_edits.edit_duty,
            current_user,
            found,
            ref,
            text=form.text.data or "",
            schedule=schedule,
            **roles,
        )
        if saved := _saved(form, edit, url_for(".draft", draft_id=found.id) + "#duties"):
            return saved
    status = 422 if form.errors else 200
    keys = draft_edits.body_keys(found.content)
    return render_template("admin/drafts/duty.html", draft=found, item=item, form=form, keys=keys), status


def _owner_choices(draft: PlanDraft) -> list[tuple[str, str]]:
    names = {b["key"]: b["name"] for b in draft.content.get("bodies", [])}
    names |= {m["key"]: m["name"] for b in draft.content.get("bodies", []) for m in b.get("members", [])}
    return [("", gettext("— none —"))] + [(key, f"{key} — {names[key]}") for key in names]


@bp.route("/drafts/<int:draft_id>/targets/<ref>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def draft_target(draft_id: int, ref: str):
    found = _draft_or_404(draft_id)
    try:
        item = draft_edits.target(found.content, ref)
    except InputError:
        abort(404)
    form = TargetOwnerForm(data={"owner": item.get("owner", "")})
    form.owner.choices = _owner_choices(found)
    if form.validate_on_submit():
        edit = partial(draft_edits.edit_owner, current_user, found, ref, form.owner.data)
        if saved := _saved(form, edit, url_for(".draft", draft_id=found.id) + "#targets"):
            return saved
    status = 422 if form.errors else 200
    return render_template("admin/drafts/target.html", draft=found, item=item, form=form), status


@bp.post("/drafts/<int:draft_id>/bodies")
@roles_required(Role.ADMIN)
def draft_add_body(draft_id: int):
    found = _draft_or_404(draft_id)
    form = _body_form(found, request.form)
    if form.validate_on_submit():
        values = {name: form[name].data for name in ("key", "name", "name_en", "short_name", "group", "ref")}
        try:
            draft_edits.add_body(current_user, found, **values)
        except InputError as error:
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(gettext("%(name)s was added to the draft.", name=form.name.data), "success")
            return redirect(url_for(".draft", draft_id=found.id) + "#bodies")
    return _page(found, body_form=form, status=422)


@bp.post("/drafts/<int:draft_id>/bodies/<key>/remove")
@roles_required(Role.ADMIN)
def draft_remove_body(draft_id: int, key: str):
    found = _draft_or_404(draft_id)
    if ActionForm().validate_on_submit():
        try:
            draft_edits.remove_body(current_user, found, key)
        except InputError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("%(key)s was left out of the draft.", key=key), "success")
    return redirect(url_for(".draft", draft_id=found.id) + "#bodies")


@bp.post("/drafts/<int:draft_id>/publish")
@roles_required(Role.ADMIN)
def publish_draft(draft_id: int):
    found = _draft_or_404(draft_id)
    form = _header_form(found)
    if ActionForm().validate_on_submit():
        try:
            result = draft_publish.publish(current_user, found)
        except InputError as error:
            show_input_error(form, error)
        except PlanFileError as error:
            db.session.rollback()
            return _page(found, problems=error, status=422)
        else:
            db.session.commit()
            tasks = result.tasks.created if result.tasks else 0
            flash(gettext("Published: %(n)d tasks created.", n=tasks), "success")
            return redirect(url_for("plans.overview", plan_id=result.plan.id))
    return _page(found, header=form, status=422)
