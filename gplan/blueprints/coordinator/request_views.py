"""The extension requests awaiting a decision, oldest first."""

from flask import render_template, request
from flask_login import current_user

from gplan.accounts.access import visible_body_ids
from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.args import coordinator_pages
from gplan.paging import requested_page
from gplan.plans.queries import get_plan_or_404
from gplan.tasks.extensions import pending_requests
from gplan.timeutil import local_today


@bp.route("/p/<int:plan_id>/extension-requests")
@coordinator_pages
def extension_requests(plan_id: int):
    plan = get_plan_or_404(plan_id)
    page = pending_requests(plan, *requested_page(request.args), visible_body_ids(current_user))
    return render_template("coordinator/extension_requests.html", plan=plan, page=page, today=local_today())
