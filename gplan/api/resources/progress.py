"""Progress summaries: task counts by reporting status, per body and per year."""

from gplan.accounts.access import visible_body_ids
from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.inputs import ProgressQuerySchema
from gplan.api.progress_schemas import ProgressByBodySchema, ProgressByYearSchema
from gplan.api.resources.plans import get_plan
from gplan.reporting.body_year import progress_by_body, progress_by_year
from gplan.timeutil import local_today

bp = resource_blueprint(
    "Progress",
    __name__,
    "How far the plan has got: tasks counted by reporting status. A focal point's summaries "
    "count its own body's tasks.",
)


def _counts(counts) -> dict:
    return dict(counts.items()) | {"total": counts.total}


@bp.get("/plans/<int(max=2147483647):plan_id>/progress/bodies")
@bp.arguments(ProgressQuerySchema, location="query", as_kwargs=True, unknown="raise")
@bp.response(200, ProgressByBodySchema)
@documented_errors(bp, 401, 404)
def by_body(plan_id: int, year: int | None = None):
    """Per body: how many tasks are done on time, done late, in progress, overdue, not started."""
    plan = get_plan(plan_id)
    today = local_today()
    rows, total = progress_by_body(plan, today, year, visible_body_ids(api_user()))
    return {
        "plan_id": plan.id,
        "as_of": today,
        "year": year,
        "items": [{"body": row.body, "counts": _counts(row.counts)} for row in rows],
        "total": _counts(total),
    }


@bp.get("/plans/<int(max=2147483647):plan_id>/progress/years")
@bp.response(200, ProgressByYearSchema)
@documented_errors(bp, 401, 404)
def by_year(plan_id: int):
    """Per year of the plan: the tasks of that year counted by reporting status."""
    plan = get_plan(plan_id)
    today = local_today()
    rows, total = progress_by_year(plan, today, visible_body_ids(api_user()))
    return {
        "plan_id": plan.id,
        "as_of": today,
        "items": [{"year": row.year, "counts": _counts(row.counts)} for row in rows],
        "total": _counts(total),
    }
