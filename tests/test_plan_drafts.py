"""Roll-over makes a draft: a new document with its own number, date and title, its texts
naming the old period flagged, reaching no focal point until the admin publishes it."""

import html
import re

from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import AuditEntry, Plan, PlanDraft, Task
from gplan.plans.admin import plan_workbook
from gplan.plans.draft_start import start_rollover
from tests.helpers import ADMIN_EMAIL, body, focal_email, login, submit, user


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _roll_over(client, seed) -> PlanDraft:
    url = f"/admin/plans/{seed.plan_id}/roll-over"
    response = submit(client, url, {"start": 2026, "end": 2030}, content_type="multipart/form-data")
    assert response.status_code == 302 and "/admin/drafts/" in response.location
    return db.session.get(PlanDraft, int(response.location.rstrip("/").rsplit("/", 1)[1]))


def _publish(client, draft: PlanDraft):
    return submit(client, f"/admin/drafts/{draft.id}/publish", page=f"/admin/drafts/{draft.id}")


def test_a_roll_over_is_a_draft_that_reaches_nobody_until_published(app, client, seed):
    tasks_before = db.session.scalar(select(func.count(Task.id)))
    login(client, ADMIN_EMAIL)
    draft = _roll_over(client, seed)

    # A new document: no number, date or title of its own yet, and no plan, no task.
    assert (draft.period_start, draft.period_end) == (2026, 2030)
    assert not {"code", "title", "title_en", "issued_on"} & set(draft.header)
    assert db.session.scalar(select(func.count(Plan.id))) == 1
    assert db.session.scalar(select(func.count(Task.id))) == tasks_before
    raw = client.get(f"/admin/drafts/{draft.id}").get_data(as_text=True)
    assert 'value="3002/KH-UBND"' not in raw and "29/12/2015" not in raw and "2016-2020</textarea>" not in raw
    page = _text(client.get(f"/admin/drafts/{draft.id}"))
    # Texts naming the old period's years are flagged for editing.
    assert "nhiệm kỳ 2016-2020" in page
    flagged = {t.path: t for t in _flagged(draft)}
    term = next(t for t in flagged.values() if "nhiệm kỳ 2016-2020" in t.text)
    assert 2016 in term.years and 2020 in term.years

    # The focal points see nothing of it.
    focal = app.test_client()
    login(focal, focal_email("health"))
    assert "2026–2030" not in _text(focal.get("/plans"))

    # Publishing is refused while the document has no number, title and date.
    refused = _publish(client, draft)
    assert refused.status_code == 422
    assert "Nhập số hiệu văn bản của kế hoạch mới." in _text(refused)
    assert db.session.scalar(select(func.count(Plan.id))) == 1

    header = {"code": "125/KH-UBND", "issued_on": "15/01/2026", "title": "Kế hoạch bình đẳng giới 2026-2030"}
    assert submit(client, f"/admin/drafts/{draft.id}", header).status_code == 302
    edited = submit(
        client, f"/admin/drafts/{draft.id}/texts/{term.path}", {"text": "Tỷ lệ nữ nhiệm kỳ 2026-2031"}
    )
    assert edited.status_code == 302
    db.session.refresh(draft)
    assert term.path not in {t.path for t in _flagged(draft)}
    # An English gloss may be emptied; a text may not.
    english = submit(client, f"/admin/drafts/{draft.id}/texts/activities.0.title_en", {"text": ""})
    assert english.status_code == 302
    empty = submit(client, f"/admin/drafts/{draft.id}/texts/activities.0.title", {"text": " "})
    assert empty.status_code == 422 and "không được để trống" in _text(empty)

    published = _publish(client, draft)
    assert published.status_code == 302
    new = db.session.scalar(select(Plan).where(Plan.period_start == 2026))
    assert (new.code, new.title, new.issued_on.isoformat()) == ("125/KH-UBND", header["title"], "2026-01-15")
    years = set(db.session.scalars(select(Task.year).where(Task.plan_id == new.id).distinct()))
    assert min(years) == 2026 and 2030 in years
    assert "125/KH-UBND" in _text(focal.get("/plans"))
    # The published draft is the new plan's file: its workbook and its next roll-over start there.
    assert plan_workbook(new)[:2] == b"PK"
    assert start_rollover(user(ADMIN_EMAIL), new, (2031, 2035)).content["plan"]["period"]["start"] == 2031
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.subject_type.in_(["PlanDraft", "Plan"]))
        )
    )
    assert {"draft_created", "draft_changed", "draft_published"} <= actions
    # A published draft is not edited any more.
    again = submit(client, f"/admin/drafts/{draft.id}", header | {"code": "1/KH"})
    assert again.status_code == 422 and new.code == "125/KH-UBND"


def _flagged(draft):
    from gplan.plans.draft_texts import flagged_texts

    return flagged_texts(draft)


def test_a_duty_is_edited_and_a_bad_edit_refused_with_its_message(client, seed):
    login(client, ADMIN_EMAIL)
    draft = _roll_over(client, seed)
    url = f"/admin/drafts/{draft.id}/duties/IV.4.a"
    form = {
        "text": "Bố trí kinh phí thực hiện kế hoạch trong dự toán ngân sách hằng năm.",
        "assignees": "finance",
        "lead": "finance",
        "coordinating": "dolisa, planning-investment",
        "kind": "yearly",
        "due": "10-31",
        "year_offset": "-1",
    }
    assert submit(client, url, form).status_code == 302
    db.session.refresh(draft)
    duty = next(r for r in draft.content["responsibilities"] if r["ref"] == "IV.4.a")
    assert duty["schedule"] == {"kind": "yearly", "due": "10-31", "year_offset": -1}
    assert duty["coordinating"] == ["dolisa", "planning-investment"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "draft_changed"))
    assert entry.details["duty"] == "IV.4.a" and "schedule" in entry.details["changes"]

    unknown = submit(client, url, form | {"lead": "ministry-of-magic"})
    assert unknown.status_code == 422
    assert "Không có cơ quan: ministry-of-magic." in _text(unknown)
    assert 'value="ministry-of-magic"' in unknown.get_data(as_text=True)  # the form comes back filled
    bad_day = submit(client, url, form | {"due": "31-12"})
    assert bad_day.status_code == 422 and "31-12" in _text(bad_day)
    empty = submit(client, url, form | {"text": ""})
    assert empty.status_code == 422
    db.session.refresh(draft)
    duty = next(r for r in draft.content["responsibilities"] if r["ref"] == "IV.4.a")
    assert duty["lead"] == ["finance"] and duty["schedule"]["due"] == "10-31"


def test_a_body_is_left_out_and_a_commune_added_before_publishing(client, seed):
    login(client, ADMIN_EMAIL)
    draft = _roll_over(client, seed)
    page = f"/admin/drafts/{draft.id}"
    left_out = submit(client, f"{page}/bodies/district-thanh-ha/remove", page=page)
    assert left_out.status_code == 302
    coordinator = submit(client, f"{page}/bodies/dolisa/remove", page=page)
    assert "Không thể bỏ ra cơ quan thường trực" in _text(client.get(coordinator.location))
    added = submit(
        client,
        f"{page}/bodies",
        {"key": "commune-an-binh", "name": "Ủy ban nhân dân xã An Bình", "group": "districts"},
        page=page,
    )
    assert added.status_code == 302
    twice = submit(client, f"{page}/bodies", {"key": "commune-an-binh", "name": "X", "group": ""}, page=page)
    assert twice.status_code == 422 and 'value="commune-an-binh"' in twice.get_data(as_text=True)

    submit(client, page, {"code": "125/KH-UBND", "issued_on": "15/01/2026", "title": "Kế hoạch 2026-2030"})
    # A member unit belongs to its group in every plan: left out, it must be retired first.
    refused = _publish(client, draft)
    assert refused.status_code == 422 and "district-thanh-ha" in _text(refused)
    retire = f"/admin/bodies/{body('district-thanh-ha').id}/retire"
    form = {
        "on": "31/12/2025",
        "reason": "Sắp xếp đơn vị hành chính",
        "successor": body("district-gia-loc").id,
    }
    assert submit(client, retire, form).status_code == 302
    assert _publish(client, draft).status_code == 302
    new = db.session.scalar(select(Plan).where(Plan.period_start == 2026))
    holders = set(db.session.scalars(select(Task.body_id).where(Task.plan_id == new.id).distinct()))

    assert body("commune-an-binh").id in holders
    assert body("district-thanh-ha").id not in holders


def test_a_draft_keeps_the_member_units_added_here_and_leaves_out_the_retired(seed):
    from datetime import date

    from gplan.plans.bodies import add_member
    from gplan.plans.retire import retire_body
    from tests.helpers import plan

    admin = user(ADMIN_EMAIL)
    add_member(admin, body("districts"), key="town-kinh-mon", name="Ủy ban nhân dân thị xã Kinh Môn")
    retire_body(admin, body("district-kinh-mon"), date(2019, 12, 31), "Thành lập thị xã Kinh Môn")
    draft = start_rollover(admin, plan(seed), (2021, 2025))
    districts = next(b for b in draft.content["bodies"] if b["key"] == "districts")
    members = {m["key"] for m in districts["members"]}
    assert "town-kinh-mon" in members and "district-kinh-mon" not in members
    assignees = {key for r in draft.content["responsibilities"] for key in r["assignees"]}
    assert "district-kinh-mon" not in assignees


def test_a_targets_owner_is_set_by_the_admin_and_no_longer_marked_inferred(app, client, seed):
    login(client, ADMIN_EMAIL)
    draft = _roll_over(client, seed)
    ref = "I.2.a.1"  # the file infers its owner: the source names none
    assert "suy luận" in _text(client.get(f"/admin/drafts/{draft.id}"))
    url = f"/admin/drafts/{draft.id}/targets/{ref}"
    assert "Sở LĐ-TB&XH" in _text(client.get(url))  # the inference's note is shown

    unknown = submit(client, url, {"owner": "ministry-of-magic"})
    assert unknown.status_code == 422 and "Không có cơ quan: ministry-of-magic." in _text(unknown)
    assert submit(client, url, {"owner": "home-affairs"}).status_code == 302
    db.session.refresh(draft)
    target = next(t for o in draft.content["objectives"] for t in o["targets"] if t["ref"] == ref)
    assert target["owner"] == "home-affairs" and "basis" not in target and "note" not in target
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "draft_changed").order_by(AuditEntry.id.desc())
    )
    assert entry.details == {
        "target": ref,
        "changes": {
            "owner": ["dolisa", "home-affairs"],
            "basis": ["inferred", "source"],
            "note": [entry.details["changes"]["note"][0], None],
        },
    }
    assert f"Chỉ tiêu {ref}" in _text(client.get("/admin/audit"))

    # Published, the plan shows the admin's owner, not marked inferred.
    header = {"code": "125/KH-UBND", "issued_on": "15/01/2026", "title": "Kế hoạch 2026-2030"}
    submit(client, f"/admin/drafts/{draft.id}", header)
    assert _publish(client, draft).status_code == 302
    new = db.session.scalar(select(Plan).where(Plan.period_start == 2026))
    assert f"owner:{ref}" not in (new.provenance or {})
    owner = next(t.owner_body for o in new.objectives for t in o.targets if t.ref == ref)
    assert owner.key == "home-affairs"
