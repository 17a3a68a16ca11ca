"""The shipped plan as the source has it: every Section IV duty owned or visibly unowned, the
reporting chain in order, and every inference marked with its note."""

import copy
import re
from datetime import date, timedelta

import pytest
import yaml
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Responsibility, Task
from gplan.plans.admin import set_due_days
from gplan.plans.chain import check_chain, reports
from gplan.plans.file import PlanFileError, parse_plan_text, read_plan_file
from gplan.plans.provenance import inferences
from gplan.validation import InputError
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    PLAN_FILE,
    ROOT,
    body,
    focal_email,
    login,
    plan,
    submit,
    user,
)

GOOD = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
SECTION_IV = ["IV", *(f"IV.{n}" for n in range(1, 17))]


def _duty(plan_file, ref):
    return next(item for item in plan_file.responsibilities if item.ref == ref)


def _unowned_row(client, plan_id: int) -> str:
    page = client.get(f"/p/{plan_id}/progress").get_data(as_text=True)
    found = re.search(r'<tr class="unowned" id="unowned">(.*?)</tr>', page, re.S)
    return found.group(1) if found else ""


def test_every_section_iv_duty_is_held_by_named_bodies_or_listed_as_unowned(client, seed):
    login(client, COORDINATOR_EMAIL)
    unowned_row = _unowned_row(client, seed.plan_id)
    duties = [r for r in plan(seed).responsibilities if not r.ad_hoc]
    for paragraph in SECTION_IV:
        assert any(r.paragraph == paragraph for r in duties), paragraph
    unowned = []
    for duty in (r for r in duties if r.paragraph in SECTION_IV):
        holders = db.session.scalars(select(Task.body_id).where(Task.responsibility_id == duty.id)).all()
        if holders:
            assert all(db.session.get(type(duty.assignees[0]), id).name for id in holders)
        else:
            assert f">{duty.ref}<" in unowned_row, f"{duty.ref} has no task and is not listed as unowned"
            unowned.append(duty.ref)
    # The source names no "other departments": their four duties wait for the admin's choice.
    assert unowned == ["IV.14.a", "IV.14.b", "IV.14.c", "IV.14.d"]


def test_the_admin_chooses_a_suggested_department_and_the_unowned_row_shrinks(client, seed):
    login(client, ADMIN_EMAIL)
    group = body("other-departments")
    page = client.get(f"/admin/bodies/{group.id}").get_data(as_text=True)
    assert "Sở Nông nghiệp và Phát triển nông thôn" in page and "suy luận" in page
    response = submit(
        client,
        f"/admin/bodies/{group.id}/members",
        {"key": "dept-agriculture", "name": "Sở Nông nghiệp và Phát triển nông thôn"},
        page=f"/admin/bodies/{group.id}",
    )
    assert response.status_code == 302
    assert body("dept-agriculture").parent_id == group.id
    coordinator = client.application.test_client()
    login(coordinator, COORDINATOR_EMAIL)
    assert _unowned_row(coordinator, seed.plan_id) == ""
    assert "dept-agriculture" not in client.get(f"/admin/bodies/{group.id}").get_data(as_text=True)


def test_section_ii_models_and_the_faithful_splits_are_duties(seed):
    duties = {r.ref: r for r in plan(seed).responsibilities}
    assert [b.key for b in duties["II.3.c.1"].assignees] == ["culture-sports-tourism"]
    assert [b.key for b in duties["II.3.c.2"].assignees] == ["dolisa"]
    # IV.0 goes to the departments and localities, not to the press or the mass organisations.
    assert {"press", "mass-organisations"}.isdisjoint(b.key for b in duties["IV.0"].assignees)
    assert duties["IV.0.b"].schedule["kind"] == "once"
    # A split keeps the source's whole clause rather than cutting it.
    assert duties["IV.14.a"].text == duties["IV.14.b"].text
    assert duties["IV.14.a"].text.endswith("kế hoạch hàng năm và 5 năm.")
    assert duties["IV.3.b"].text == duties["IV.3.c"].text


def test_the_shipped_calendar_follows_the_chain(seed):
    plan_file = read_plan_file(PLAN_FILE)
    assert check_chain(plan_file) == []

    def due(ref, year, covers="year"):
        return next(
            r.due_on
            for r in reports(plan_file, _duty(plan_file, ref))
            if (r.year, r.covers) == (year, covers)
        )

    districts, compiled = due("IV.15.g", 2018), due("IV.1.c", 2018)
    assert districts < compiled <= due("IV.1.d", 2018)
    assert _duty(plan_file, "IV.15.g").reports_to == "dolisa"
    assert _duty(plan_file, "IV.1.d").reports_to == "issuer"
    # The Action Month (15/11-15/12) is reported after it ends, first to the department.
    assert date(2018, 12, 15) < due("IV.10.d", 2018, "action_month") < due("II.1.b.6", 2018, "action_month")
    # The five-year review comes after the last year's reports.
    assert due("IV.1.e", 2020, "period") > due("IV.10.d", 2020, "action_month") > due("IV.15.g", 2020)
    # IV.15.a (the local plan) before its implementation is reported; budgets the year before.
    assert (
        task_of_ref(seed, "IV.15.a", "district-tu-ky")[0].due_on
        < task_of_ref(seed, "IV.15.b", "district-tu-ky")[0].due_on
    )
    funding = task_of_ref(seed, "IV.4.a", "finance")
    assert [(t.year, t.due_on) for t in funding][1] == (2017, date(2016, 10, 31))


def task_of_ref(seed, ref: str, body_key: str) -> list[Task]:
    duty = db.session.scalar(select(Responsibility).filter_by(plan_id=seed.plan_id, ref=ref))
    query = select(Task).filter_by(responsibility_id=duty.id, body_id=body(body_key).id).order_by(Task.due_on)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_a_compilation_before_its_inputs_is_refused_naming_both(app, locale):
    broken = copy.deepcopy(GOOD)
    broken["due_days"]["annual_report"]["default"] = "12-18"  # after the department compiles (12-15)
    with force_locale(locale), pytest.raises(PlanFileError) as caught:
        parse_plan_text(yaml.safe_dump(broken, allow_unicode=True), "broken.yaml")
    problem = next(p for p in caught.value.problems if "(IV.1.c)" in p.where)
    assert "IV.1.c" in problem.what and "18/12/2016" in problem.what
    assert re.search(r"IV\.\d+\.[a-z]", problem.what.replace("IV.1.c", ""))  # the input, by ref
    if locale == "vi":
        assert "tổng hợp" in problem.what and "phải sau" in problem.what


def test_a_year_report_due_before_the_year_ends_must_say_to_what_date(app):
    broken = copy.deepcopy(GOOD)
    del broken["due_days"]["annual_report"]["as_of"]
    with force_locale("en"), pytest.raises(PlanFileError) as caught:
        parse_plan_text(yaml.safe_dump(broken, allow_unicode=True), "broken.yaml")
    assert any(p.where == "due_days › annual_report" for p in caught.value.problems)


def test_an_admin_cannot_move_a_due_day_out_of_the_chain(seed):
    with force_locale("vi"), pytest.raises(InputError) as caught:
        set_due_days(user(ADMIN_EMAIL), plan(seed), {"annual_compilation": "12-05"})
    assert "IV.1.c" in str(caught.value.message) or "IV.1" in str(caught.value.message)
    assert plan(seed).due_days["annual_compilation"]["date"] == "12-15"


def test_every_inference_is_kept_marked_on_the_plan_page_and_listed_in_the_docs(client, seed):
    plan_file = read_plan_file(PLAN_FILE)
    found = inferences(plan_file)
    assert plan(seed).provenance == found
    kinds = {key.split(":")[0] for key in found}
    assert kinds == {"due_day", "members", "owner", "horizon", "value", "duty"}
    assert len([k for k in found if k.startswith("owner:")]) == 22
    docs = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    for key in found:
        assert f"`{key}`" in docs, f"docs/plan-format.md does not list the inference {key}"
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/p/{seed.plan_id}/").get_data(as_text=True)
    assert page.count(">suy luận</summary>") == len(found)
    for key in ("owner:I.2.e.3", "duty:IV.0", "members:other-departments", "due_day:annual_report"):
        assert f'title="{escape(found[key])}"' in page, key


def test_english_mode_shows_the_english_texts_and_marks_the_vietnamese_ones(client, seed):
    login(client, COORDINATOR_EMAIL)
    user(COORDINATOR_EMAIL).locale = "en"
    db.session.commit()
    page = client.get(f"/p/{seed.plan_id}/").get_data(as_text=True)
    assert "Increase women&#39;s participation in management and leadership positions" in page
    assert "Tăng cường sự tham gia của phụ nữ vào các vị trí quản lý lãnh đạo" not in page
    assert '<span lang="vi">Các giải pháp chung</span>' in page  # no English version in the file
    assert "(in Vietnamese)" in page
    assert ">inferred</summary>" in page


def test_requested_duties_are_reminded_but_never_escalated(seed):
    from gplan.reminders.planner import due_reminders
    from gplan.reminders.vocabulary import ReminderKind
    from gplan.tasks.vocabulary import TaskProgress

    day = date(2018, 6, 12)
    late = {
        "womens-union": task_of_ref(seed, "IV.16.a", "womens-union")[2],
        "finance": task_of_ref(seed, "IV.4.a", "finance")[2],
    }
    for task in late.values():
        task.progress, task.completed_on, task.extended_due_on = (
            TaskProgress.NOT_STARTED,
            None,
            day - timedelta(days=21),
        )
    db.session.flush()
    digests = {d.recipient.email: d for d in due_reminders(day, ignore_history=True).digests}
    union = digests[focal_email("womens-union")].entries[late["womens-union"].id]
    assert union.kinds == {ReminderKind.OVERDUE}
    assert digests[focal_email("finance")].entries[late["finance"].id].kinds == {ReminderKind.ESCALATION}
    copied = set(digests[COORDINATOR_EMAIL].entries)
    assert late["finance"].id in copied and late["womens-union"].id not in copied


def test_the_overview_counts_requested_organisations_apart(client, seed):
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/p/{seed.plan_id}/progress").get_data(as_text=True)
    assigned, requested = page.split('<tbody class="requested">')
    assert "Hội Liên hiệp Phụ nữ tỉnh" in requested and "Hội Liên hiệp Phụ nữ tỉnh" not in assigned
    assert "Sở Tài chính" in assigned and "Sở Tài chính" not in requested
    assert "Tất cả các tổ chức được đề nghị" in requested
