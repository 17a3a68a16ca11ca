"""Administration: the audit log, filtered, and as CSV."""

from flask import Response, render_template, request, url_for
from flask_babel import gettext

from gplan.accounts.vocabulary import Role
from gplan.blueprints.admin import bp
from gplan.blueprints.admin.forms import AuditFilterForm
from gplan.blueprints.decorators import roles_required
from gplan.ops import audit
from gplan.timeutil import local_today

PER_PAGE = 50


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
    page = max(1, min(request.args.get("page", 1, type=int), 100_000))
    rows, total = audit.entries(filters, page, PER_PAGE)
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    args = request.args.to_dict()

    def page_url(number: int) -> str:
        return url_for(".audit_log", **(args | {"page": number}))

    return render_template(
        "admin/audit.html",
        form=form,
        entries=rows,
        total=total,
        page=page,
        pages=pages,
        page_url=page_url,
        labels=audit.ACTION_LABELS,
    )


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
