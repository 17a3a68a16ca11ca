"""The task list's filter form, filled from the query string."""

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from gplan.blueprints.focal.forms import TaskFilterForm
from gplan.models import Plan
from gplan.tasks.progress import TaskFilter


def task_filter_from_args(plan: Plan, args: MultiDict) -> tuple[TaskFilterForm, TaskFilter]:
    form = TaskFilterForm(args, meta={"csrf": False})
    form.year.choices = [(0, gettext("Now (overdue, due soon, this year)"))] + [
        (y, str(y)) for y in plan.years
    ]
    form.objective.choices = [(0, gettext("All objectives"))] + [
        (o.id, gettext("Objective %(n)d", n=o.number)) for o in plan.objectives
    ]
    form.activity.choices = [(0, gettext("All activities"))] + [
        (a.id, f"{a.number}. {a.title[:60]}") for a in plan.activities
    ]
    filters = TaskFilter()
    if form.validate():
        filters.year = form.year.data or None
        filters.objective_id = form.objective.data or None
        filters.activity_id = form.activity.data or None
    return form, filters
