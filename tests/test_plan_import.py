"""The Hải Dương plan as data: what the import yields, re-import, other periods."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Activity, Body, Objective, Plan, PlanBody, Responsibility, Target, Task, TaskEvent
from gplan.plans.file import read_plan_file
from gplan.plans.importing import import_plan
from tests.helpers import PLAN_FILE, body, plan, task_of

SECTION_IV = [f"IV.{n}" for n in range(1, 17)]


def test_objectives_targets_and_activities(seed):
    the_plan = plan(seed)
    assert the_plan.code == "3002/KH-UBND"
    assert (the_plan.period_start, the_plan.period_end) == (2016, 2020)
    assert the_plan.issued_on == date(2015, 12, 29)
    assert the_plan.coordinator_body.key == "dolisa"
    assert [o.number for o in the_plan.objectives] == [1, 2, 3, 4, 5, 6, 7]
    assert [len(o.targets) for o in the_plan.objectives] == [3, 4, 2, 4, 2, 3, 4]
    assert (
        db.session.scalar(
            select(func.count(Target.id)).join(Objective).where(Objective.plan_id == seed.plan_id)
        )
        == 22
    )
    assert [a.ref for a in the_plan.activities] == ["II.1", "II.2", "II.3", "II.4", "II.5"]
    assert the_plan.activities[0].lead_keys == ["dolisa"]
    assert {g.key for g in the_plan.solution_groups} == {"general", "a", "b", "c", "d", "e", "g", "h"}


def test_targets_keep_every_value_with_its_comparator(seed):
    objectives = {o.number: o for o in plan(seed).objectives}

    def values(objective: int, target: int):
        found = next(t for t in objectives[objective].targets if t.number == target)
        return [(v.comparator, float(v.value), v.unit) for v in found.values]

    assert values(1, 1) == [(">=", 25.0, "%"), (">=", 30.0, "%")]
    assert [v[1] for v in values(3, 2)] == [40.0, 20.0]
    assert [v[1] for v in values(6, 2)] == [50.0, 85.0]
    assert values(4, 1)[0][:2] == ("<=", 116.0)
    birth_ratio = next(t for t in objectives[4].targets if t.number == 1)
    assert birth_ratio.owner_body.key == "health"
    assert "116" in birth_ratio.text


def test_sixteen_bodies_with_twelve_district_units(seed):
    links = db.session.scalars(
        select(PlanBody).where(PlanBody.plan_id == seed.plan_id, PlanBody.ref.is_not(None))
    ).all()
    assert sorted(link.ref for link in links) == sorted(SECTION_IV)
    districts = body("districts")
    assert districts.is_group
    assert len(districts.members) == 12
    assert "Ủy ban nhân dân huyện Bình Giang" in {m.name for m in districts.members}


def test_every_section_iv_paragraph_has_responsibilities_citing_it(seed):
    responsibilities = plan(seed).responsibilities
    paragraphs = Counter(r.paragraph for r in responsibilities)
    for paragraph in SECTION_IV:
        assert paragraphs[paragraph] >= 1, paragraph
    assert paragraphs["IV.1"] >= 5
    for r in responsibilities:
        assert r.ref.startswith(r.paragraph)
        assert r.text and r.assignees


def test_group_responsibility_gives_each_member_its_own_task(seed):
    report = next(r for r in plan(seed).responsibilities if r.ref == "IV.15.g")
    assert [b.key for b in report.assignees] == ["districts"]
    holders = db.session.scalars(
        select(Task.body_id).where(Task.responsibility_id == report.id).distinct()
    ).all()
    assert set(holders) == {m.id for m in body("districts").members}
    assert db.session.scalar(select(func.count(Task.id)).where(Task.responsibility_id == report.id)) == 12 * 5


def test_yearly_duty_gives_one_task_per_year(seed):
    tasks = db.session.scalars(
        select(Task)
        .join(Responsibility)
        .where(Responsibility.ref == "IV.1.b", Task.body_id == body("dolisa").id)
    ).all()
    assert sorted(t.year for t in tasks) == [2016, 2017, 2018, 2019, 2020]
    assert {(t.due_on.month, t.due_on.day) for t in tasks} == {(1, 31)}


def test_action_month_is_a_window_every_year(seed):
    for year in range(2016, 2021):
        task = task_of("dolisa", "II.1.b.6", str(year))
        assert task.starts_on == date(year, 11, 15)
        assert task.ends_on == date(year, 12, 15)
        assert task.due_on == date(year, 12, 31)
        assert task_of("culture-sports-tourism", "IV.10.d", str(year)).starts_on == date(year, 11, 15)


def test_mid_term_and_final_reviews(seed):
    midterm = db.session.scalars(
        select(Task).join(Responsibility).where(Responsibility.ref == "II.5.b.2")
    ).all()
    final = db.session.scalars(
        select(Task).join(Responsibility).where(Responsibility.ref == "II.5.b.3")
    ).all()
    assert [t.year for t in midterm] == [2018]
    assert [t.year for t in final] == [2020]
    five_year_review = db.session.scalars(
        select(Task).join(Responsibility).where(Responsibility.ref == "IV.1.e")
    ).all()
    assert [t.due_on.year for t in five_year_review] == [2020]


def test_lead_and_coordinating_bodies_are_recorded(seed):
    health = next(r for r in plan(seed).responsibilities if r.paragraph == "IV.7")
    assert [b.key for b in health.leads] == ["health"]
    assert "dolisa" in {b.key for b in health.coordinating}


def _counts(plan_id: int) -> tuple:
    return (
        db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == plan_id)),
        db.session.scalar(select(func.count(Responsibility.id)).where(Responsibility.plan_id == plan_id)),
        db.session.scalar(select(func.count(Body.id))),
        db.session.scalar(select(func.count(Plan.id))),
    )


def test_reimport_is_idempotent_and_keeps_progress(seed):
    task = task_of("finance", "IV.4.a", "2017")
    task.progress, task.note = "in_progress", "Đang bố trí kinh phí"
    db.session.add(
        TaskEvent(task=task, at=task.plan.imported_at, from_progress="not_started", to_progress="in_progress")
    )
    db.session.commit()
    before = _counts(seed.plan_id)
    result = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name)
    db.session.commit()
    assert not result.created
    assert result.tasks.unchanged
    assert _counts(seed.plan_id) == before
    again = task_of("finance", "IV.4.a", "2017")
    assert again.id == task.id
    assert (again.progress, again.note, len(again.events)) == ("in_progress", "Đang bố trí kinh phí", 1)


def test_same_plan_for_a_later_period(seed):
    result = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name, period=(2026, 2030))
    db.session.commit()
    later = result.plan
    assert result.created and later.id != seed.plan_id
    assert "2026-2030" in later.title
    assert task_of("dolisa", "II.5.b.2", "2028", plan_id=later.id).due_on.year == 2028
    assert task_of("dolisa", "II.1.b.6", "2030", plan_id=later.id).starts_on == date(2030, 11, 15)
    # The same bodies serve both periods, so focal points carry over.
    assert task_of("dolisa", "IV.1.b", "2026", plan_id=later.id).body_id == body("dolisa").id
    assert _counts(later.id)[0] == _counts(seed.plan_id)[0]


def test_member_added_later_gets_its_tasks_on_sync(seed):
    from gplan.tasks.sync import sync_tasks

    other = body("other-departments")
    newcomer = Body(
        jurisdiction=other.jurisdiction, key="dept-construction", name="Sở Xây dựng", parent=other
    )
    db.session.add(newcomer)
    db.session.flush()
    result = sync_tasks(plan(seed))
    assert result.created > 0
    assert task_of("dept-construction", "IV.14.a", "2019").due_on == date(2019, 1, 31)


def test_activity_links_for_progress_views(seed):
    midterm = next(r for r in plan(seed).responsibilities if r.ref == "II.5.b.2")
    assert [a.number for a in midterm.activities] == [5]
    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.plan_id == seed.plan_id)) == 5
