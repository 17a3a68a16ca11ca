"""Administration: the audit log, filtered, and as CSV."""

from flask import Response, render_template, request
from flask_babel import gettext

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.forms import AuditFilterForm
from gplan.blueprints.decorators import roles_required
from gplan.ops import audit
from gplan.ops.audit_text import describe_entries
from gplan.paging import requested_keyset
from gplan.timeutil import local_today


def _filters() -> tuple[AuditFilterForm, audit.AuditFilter]:
    form = AuditFilterForm(request.args)
    form.action.choices = [("", gettext("Everything"))] + [
        (action, str(label)) for action, label in audit.ACTION_LABELS.items()
    ]
    filters = audit.AuditFilter()
    if form.validate():
        filters = audit.AuditFilter(
            action=form.action.data or None,
            who=form.who.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    return form, filters


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    form, filters = _filters()
    page = audit.entries(filters, *requested_keyset(request.args))
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        described=describe_entries(page.items),
        args=_filter_args(form),
        labels=audit.ACTION_LABELS,
    )


def _filter_args(form: AuditFilterForm) -> dict[str, str]:
    """The filters as typed, for links that keep them."""
    return {name: request.args[name] for name in form.data if request.args.get(name)}


@bp.route("/audit.csv")
@roles_required(Role.ADMIN)
def audit_csv():
    _form, filters = _filters()
    filename = f"gplan-audit-{local_today().isoformat()}.csv"
    return Response(
        audit.export_csv(filters),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
