from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from gplan.blueprints.plans import bp
from gplan.plans import queries as plan_queries
from gplan.timeutil import local_today


@bp.route("/")
@login_required
def home():
    plan = plan_queries.default_plan(local_today())
    if plan is None:
        return render_template("plans/no_plan.html")
    if current_user.is_focal_point:
        return redirect(url_for("focal.tasks", plan_id=plan.id))
    # The coordinator, admins and observers start from progress across all bodies.
    return redirect(url_for("coordinator.overview", plan_id=plan.id))


@bp.route("/plans")
@login_required
def index():
    return render_template("plans/index.html", plans=plan_queries.all_plans())


@bp.route("/p/<int:plan_id>/")
@login_required
def overview(plan_id: int):
    plan = plan_queries.get_plan_or_404(plan_id)
    return render_template(
        "plans/overview.html",
        plan=plan,
        participants=plan_queries.participants(plan),
        bodies=plan_queries.bodies_by_key(plan),
    )
