from flask import current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required

from gplan.blueprints.plans import bp
from gplan.blueprints.plans.navigation import remembered_plan
from gplan.plans import queries as plan_queries
from gplan.reporting.duties import unowned_duties


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    assert current_app.static_folder is not None  # create_app sets it
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=7 * 24 * 3600)


@bp.route("/")
@login_required
def home():
    plan = remembered_plan()
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
        unowned_refs={duty.ref for duty in unowned_duties(plan)},
    )
