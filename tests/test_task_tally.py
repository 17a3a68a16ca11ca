"""The coordinator's figures come from the task tally: after many random changes — ticks and
undos, extensions, ad-hoc tasks, retired bodies' tasks moved or closed (before their deadline
or after it, when overdue), re-imports and
re-dating, deletions of tasks and duties, bulk statements — they still equal counting the tasks
one by one, on every day one looks."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

import time_machine
from sqlalchemy import delete, func, select, update

from gplan.extensions import db
from gplan.models import Body, Plan, Responsibility, Task, User
from gplan.models.tally import MODELS, TALLIES, TaskBodyTally, TaskTally, rebuild_tally, task_key_columns
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from gplan.plans.queries import task_holding_bodies
from gplan.plans.retire import retire_body
from gplan.reporting import matrices, status_counts
from gplan.reporting import overview as per_body
from gplan.tasks import review
from gplan.tasks.admin import add_ad_hoc_task, extend_deadline
from gplan.tasks.progress import RECORDED, record_progress
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.sync import sync_tasks
from gplan.tasks.vocabulary import TaskProgress, TaskStatus
from gplan.timeutil import LOCAL_TZ
from tests.coordinator_support import python_counts
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, PLAN_FILE, focal_email, user

DAYS = (date(2016, 1, 1), date(2017, 6, 30), date(2018, 7, 1), date(2019, 12, 31), date(2022, 1, 1))


def tally_rows(plan_id: int) -> dict[str, Counter]:
    """Each tally's rows of the plan, as {key: tasks}."""
    found = {}
    for name, key in TALLIES.items():
        model = MODELS[name]
        rows = db.session.execute(
            select(*(getattr(model, c) for c in key[1:]), model.tasks).where(
                model.plan_id == plan_id, model.tasks != 0
            )
        )
        found[name] = Counter({tuple(row[:-1]): row[-1] for row in rows})
    return found


def counted_rows(plan_id: int) -> dict[str, Counter]:
    """What each tally should hold: the plan's tasks counted by its key."""
    found = {}
    for name, key in TALLIES.items():
        columns = task_key_columns(key)[1:]
        rows = db.session.execute(
            select(*columns, func.count()).where(Task.plan_id == plan_id).group_by(*columns)
        )
        found[name] = Counter({tuple(row[:-1]): row[-1] for row in rows})
    return found


def by_status(counts) -> dict:
    return {key: {s: c.count(s) for s in TaskStatus if c.count(s)} for key, c in counts.items()}


def expected(counter: dict) -> dict:
    return {key: {s: n for s, n in c.items() if n} for key, c in counter.items() if sum(c.values())}


def assert_figures_match(plan: Plan) -> None:
    """The tally holds what counting the tasks gives, and every summary built from it equals
    the tasks' statuses computed one by one in Python."""
    db.session.flush()
    assert tally_rows(plan.id) == counted_rows(plan.id)
    viewer = user(COORDINATOR_EMAIL)
    bodies = sorted(db.session.scalars(select(Task.body_id).where(Task.plan_id == plan.id).distinct()))
    for today in DAYS:
        overview = per_body.overview(plan, today)
        shown = {row.body.id: row.counts for row in overview.rows if row.counts.total}
        assert by_status(shown) == expected(python_counts(plan.id, today))
        years = matrices.year_matrix(plan, today)
        assert by_status(years.cells) == expected(
            python_counts(plan.id, today, key=lambda t: (t.body_id, t.year))
        )
        themes = matrices.theme_matrix(plan, today, "objective", year=2018)
        assert by_status(themes.cells) == expected(
            python_counts(
                plan.id,
                today,
                key=lambda t: (
                    [(t.body_id, o.id) for o in t.responsibility.objectives]
                    or [(t.body_id, matrices.NOT_LINKED)]
                ),
                year=2018,
            )
        )
        for filters in (
            TaskFilters(plan_id=plan.id),
            TaskFilters(plan_id=plan.id, body_id=bodies[0], year=2018),
            TaskFilters(plan_id=plan.id, objective_id=plan.objectives[0].id),
            TaskFilters(plan_id=plan.id, statuses=(TaskStatus.OVERDUE,)),
            TaskFilters(plan_id=plan.id, statuses=(TaskStatus.CLOSED,)),
            TaskFilters(plan_id=plan.id, statuses=(TaskStatus.CLOSED_LATE,)),
            TaskFilters(plan_id=plan.id, year=2017, statuses=(TaskStatus.CLOSED_LATE, TaskStatus.OVERDUE)),
        ):
            counted = db.session.scalar(
                select(func.count()).select_from(Task).where(*TaskQuery(viewer, filters, today).conditions())
            )
            assert TaskQuery(viewer, filters, today).count() == counted
        totals = status_counts.status_totals(plan, today)
        python = python_counts(plan.id, today).values()
        assert totals.overdue == sum(c[TaskStatus.OVERDUE] for c in python)
        for closed in (TaskStatus.CLOSED, TaskStatus.CLOSED_LATE):
            assert totals.count(closed) == sum(c[closed] for c in python)
        assert totals.completion == _summed(python).completion


def _summed(counters) -> status_counts.StatusCounts:
    counts = status_counts.StatusCounts()
    for counter in counters:
        for status, n in counter.items():
            counts.add(status, n)
    return counts


def test_the_figures_equal_counting_the_tasks_after_random_changes(app, seed):
    rng = random.Random(12)
    plan = db.session.get(Plan, seed.plan_id)
    coordinator = user(COORDINATOR_EMAIL)
    bodies = task_holding_bodies(plan)
    assert_figures_match(plan)  # as imported

    def some_tasks(n: int, **where) -> list[Task]:
        # Closed tasks are a record nobody changes: only retiring touches them.
        query = (
            select(Task)
            .where(Task.plan_id == plan.id, Task.progress != TaskProgress.CLOSED)
            .filter_by(**where)
        )
        tasks = list(db.session.scalars(query.order_by(Task.id)))
        return rng.sample(tasks, min(n, len(tasks)))

    def tick(n: int) -> None:
        for task in some_tasks(n):
            focal = db.session.scalar(select(User).where(User.email == focal_email(task.body.key)))
            when = datetime(task.year, rng.randint(1, 12), rng.randint(1, 28), 9, tzinfo=LOCAL_TZ)
            progress = rng.choice([p for p in RECORDED if p != task.progress])
            with time_machine.travel(when + timedelta(days=rng.randint(-60, 400)), tick=False):
                record_progress(task, focal or coordinator, progress, note="ngẫu nhiên")
            db.session.flush()

    def extend(n: int) -> None:
        for task in some_tasks(n * 3):
            if task.is_open and n:
                later = task.deadline + timedelta(days=rng.randint(1, 200))
                extend_deadline(coordinator, task, max(later, task.due_on + timedelta(days=1)), "xin gia hạn")
                db.session.flush()
                n -= 1

    def review_steps(n: int) -> None:
        """Submitted, returned, accepted and reopened: categories of their own in the tally."""
        plan.review_required = True
        for task in some_tasks(n):
            focal = db.session.scalar(select(User).where(User.email == focal_email(task.body.key)))
            when = datetime(task.year, rng.randint(1, 12), rng.randint(1, 28), 9, tzinfo=LOCAL_TZ)
            with time_machine.travel(when + timedelta(days=rng.randint(-60, 400)), tick=False):
                if task.progress == TaskProgress.SUBMITTED:
                    if rng.random() < 0.5:
                        review.accept(task, coordinator)
                    else:
                        review.return_submission(task, coordinator, "thiếu số liệu")
                elif task.progress == TaskProgress.DONE:
                    review.reopen(task, coordinator, "mở lại")
                elif focal is not None:
                    review.submit(task, focal, "đã làm")
            db.session.flush()
        plan.review_required = False

    def retire_one(with_successor: bool) -> None:
        """A body retired: its open tasks closed (or moved, and the successor's duplicates
        closed), each one leaving the open categories for a closed one: closed when overdue if
        its deadline had passed on the day (a day within the period, so both happen)."""
        serving = [b for b in bodies if b.retired_on is None and not b.is_group]
        retired, successor = rng.sample(serving, 2)
        if not with_successor:
            successor = None
        elif successor.jurisdiction != retired.jurisdiction:
            successor = next(
                (b for b in serving if b is not retired and b.jurisdiction == retired.jurisdiction), None
            )
        on = date(rng.randint(2016, 2020), rng.randint(1, 12), rng.randint(1, 28))
        retire_body(user(ADMIN_EMAIL), retired, on, "sắp xếp lại bộ máy", successor)
        db.session.flush()

    seen: set[TaskProgress] = set()
    for round_ in range(4):
        tick(40)  # ticks, undos, back to not started; done early, on the day, late
        extend(8)
        review_steps(40)
        review_steps(20)
        if round_ in (1, 2):
            retire_one(with_successor=round_ == 2)
        seen.update(db.session.scalars(select(Task.progress).where(Task.plan_id == plan.id)))
        with time_machine.travel(datetime(2018, 3, 1, 9, tzinfo=LOCAL_TZ), tick=False):
            serving = [b for b in bodies if b.retired_on is None]
            add_ad_hoc_task(
                coordinator, plan, rng.choice(serving), f"Việc phát sinh {round_}", date(2018, 9, 30)
            )
        assert_figures_match(plan)

    assert {TaskProgress.SUBMITTED, TaskProgress.RETURNED, TaskProgress.CLOSED} <= seen
    statuses = {
        t.status_on(DAYS[-1]) for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id))
    }
    assert {TaskStatus.CLOSED, TaskStatus.CLOSED_LATE} <= statuses

    # Re-import the same file: nothing moves; then re-date every duty and sync.
    import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name)
    assert_figures_match(plan)
    plan.due_days = {name: {**day, "date": "11-30"} for name, day in (plan.due_days or {}).items()}
    sync_tasks(plan)
    assert_figures_match(plan)

    # Deletions: one task through the session, some by a bulk statement, a duty with its tasks
    # (the database's cascade), and a bulk update of progress.
    (task,) = some_tasks(1, progress=TaskProgress.NOT_STARTED)
    db.session.delete(task)
    victims = [t.id for t in some_tasks(25)]
    db.session.execute(delete(Task).where(Task.id.in_(victims)).execution_options(synchronize_session=False))
    duty = db.session.scalar(select(Responsibility).where(Responsibility.plan_id == plan.id).limit(1))
    db.session.execute(delete(Responsibility).where(Responsibility.id == duty.id))
    db.session.execute(
        update(Task)
        .where(Task.plan_id == plan.id, Task.year == 2019, Task.progress == TaskProgress.NOT_STARTED)
        .values(progress=TaskProgress.IN_PROGRESS)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    assert_figures_match(plan)
    tick(30)
    assert_figures_match(plan)


def test_rebuilding_the_tally_repairs_it(app, seed):
    plan = db.session.get(Plan, seed.plan_id)
    before = tally_rows(plan.id)
    some_body = db.session.scalar(select(Body.id).limit(1))
    for model in (TaskTally, TaskBodyTally):
        db.session.execute(delete(model).where(model.body_id == some_body))
        db.session.execute(update(model).values(tasks=model.tasks + 1))
    assert tally_rows(plan.id) != before
    assert rebuild_tally(plan.id) == sum(len(rows) for rows in before.values())
    assert tally_rows(plan.id) == before == counted_rows(plan.id)


def test_the_rebuild_command_recounts_the_tally(app, seed):
    plan = db.session.get(Plan, seed.plan_id)
    before = tally_rows(plan.id)
    db.session.execute(delete(TaskBodyTally))
    result = app.test_cli_runner().invoke(args=["tally", "rebuild", "--plan", str(plan.id)])
    assert result.exit_code == 0, result.output
    assert "Recounted the task tally of plan" in result.output
    assert tally_rows(plan.id) == before
