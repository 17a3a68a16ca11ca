"""The task list's filter form, filled from the query string."""

from werkzeug.datastructures import MultiDict

from gplan.blueprints.focal.forms import TaskFilterForm
from gplan.i18n import gettext, label
from gplan.models import Body, Plan
from gplan.tasks import search as task_search
from gplan.tasks.query import TaskFilters
from gplan.tasks.sections import SECTIONS
from gplan.tasks.vocabulary import TaskStatus
from gplan.templating import locale_code, shorten

LABEL_WIDTH = 60


def _titled(number: int, title: str, title_en: str | None) -> tuple[str, dict]:
    """An option's label: number and title cut on a word boundary; the whole title on hover."""
    text = title_en if locale_code() == "en" and title_en else title
    return f"{number}. {shorten(text, LABEL_WIDTH)}", {"title": text}


def task_filter_from_args(plan: Plan, body: Body, args: MultiDict) -> tuple[TaskFilterForm, TaskFilters]:
    form = TaskFilterForm(args, meta={"csrf": False})
    form.year.choices = [(0, gettext("Now (overdue, due soon, this year)"))] + [
        (y, str(y)) for y in plan.years
    ]
    form.objective.choices = [(0, gettext("All objectives"), {})] + [
        (o.id, *_titled(o.number, o.title, o.title_en)) for o in plan.objectives
    ]
    form.activity.choices = [(0, gettext("All activities"), {})] + [
        (a.id, *_titled(a.number, a.title, a.title_en)) for a in plan.activities
    ]
    form.status.choices = [("", gettext("Any status")), *((s.value, str(label(s))) for s in TaskStatus)]
    filters = TaskFilters(plan_id=plan.id, body_id=body.id)
    if form.validate():
        filters.year = form.year.data or None
        filters.objective_id = form.objective.data or None
        filters.activity_id = form.activity.data or None
        filters.statuses = (form.status.data,) if form.status.data else ()
    filters.search = task_search.parse(args.get("q"))
    if args.get("section") in SECTIONS:
        filters.section = args["section"]
    return form, filters
