"""Every role × every route and API endpoint, on another body's objects: refused, database unchanged.

The routes come from ``app.url_map``: a route missing from POLICY fails the suite, so no new
page or endpoint can escape the matrix. The objects used belong to the Department of Finance;
the focal point tested is the Department of Health's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from gplan.accounts.tokens import create_token
from gplan.extensions import db
from gplan.models import Body, MailMessage, Objective, PlanDraft, Target, TargetValue
from gplan.plans.draft_start import start_rollover
from gplan.plans.drafts import edit_header
from gplan.tasks import evidence
from gplan.tasks.admin import add_ad_hoc_task
from gplan.tasks.comments import add_comment
from gplan.tasks.extensions import ask_extension
from gplan.timeutil import utcnow
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    PLAN_FILE,
    body,
    focal_email,
    plan,
    task_of,
    user,
)

ROLES = ("anonymous", "admin", "coordinator", "focal_point", "observer")
SIGNED_IN = {"admin", "coordinator", "focal_point", "observer"}
SEE_ALL = {"admin", "coordinator", "observer"}
STAFF = {"admin", "coordinator"}
ADMIN = {"admin"}
NOBODY: set[str] = set()
EMAILS = {
    "admin": ADMIN_EMAIL,
    "coordinator": COORDINATOR_EMAIL,
    "focal_point": focal_email("health"),
    "observer": OBSERVER_EMAIL,
}
# Pages anyone may open: sign-in, password links, language, static files, the API's description.
PUBLIC = {
    ("static", "GET"),
    ("plans.favicon", "GET"),
    ("auth.login", "GET"),
    ("auth.login", "POST"),
    ("auth.forgot_password", "GET"),
    ("auth.forgot_password", "POST"),
    ("auth.set_password", "GET"),
    ("auth.set_password", "POST"),
    ("auth.set_language", "POST"),
    ("api_pages.docs", "GET"),
    ("api_pages.asset", "GET"),
    ("api_pages.licence", "GET"),
    ("api_pages.healthz", "GET"),
    ("api-docs.openapi_json", "GET"),
    ("reminders.calendar_feed", "GET"),  # the secret address is the key; a wrong one is 404
}


@dataclass(frozen=True)
class Rule:
    url: str  # formatted with the objects below
    allowed: set[str]
    data: dict | None = None  # form fields or JSON body that would make the change


PLAN_DAYS = {"annual_plan": "01-31", "half_year_report": "06-15", "annual_report": "12-01"}
POLICY: dict[tuple[str, str], Rule] = {
    ("plans.home", "GET"): Rule("/", SIGNED_IN),
    ("plans.index", "GET"): Rule("/plans", SIGNED_IN),
    ("plans.overview", "GET"): Rule("/p/{plan}/", SIGNED_IN),
    ("focal.tasks", "GET"): Rule("/p/{plan}/tasks?body={finance}", SEE_ALL),
    ("focal.task", "GET"): Rule("/tasks/{task}", SEE_ALL),
    ("focal.task", "POST"): Rule("/tasks/{task}", STAFF, {"progress": "done", "note": "matrix"}),
    ("focal.evidence", "GET"): Rule("/tasks/{task}/evidence", SEE_ALL),
    # Review: only the task's own body submits (Finance's task: nobody here); staff decide.
    ("focal.submit_task", "POST"): Rule("/tasks/{task}/submit", NOBODY, {"narrative": "matrix"}),
    ("focal.decide_task", "POST"): Rule("/tasks/{task}/decide", STAFF, {"accept": "1"}),
    ("focal.reopen_task", "POST"): Rule("/tasks/{task}/reopen", STAFF, {"reason": "matrix"}),
    ("coordinator.review_queue_page", "GET"): Rule("/p/{plan}/review", SEE_ALL),
    ("coordinator.review_decide", "POST"): Rule(
        "/p/{plan}/review", STAFF, {"task": "{task}:", "accept": "1"}
    ),
    ("admin.plan_review", "POST"): Rule(
        "/admin/plans/{plan}/review", ADMIN, {"review_required": "y", "review_wait_days": "5"}
    ),
    # Only Finance's own focal points may ask (tests/test_csrf.py sends it as Health's, on Health's task).
    ("focal.ask_extension", "POST"): Rule(
        "/tasks/{task}/extension-request", NOBODY, {"asked_for": "31/12/2019", "reason": "matrix"}
    ),
    ("focal.decide_extension", "POST"): Rule(
        "/extension-requests/{extension_request}/decision",
        STAFF,
        {"decision": "refuse", "decision_note": "matrix"},
    ),
    ("focal.comment", "POST"): Rule("/tasks/{task}/comments", STAFF, {"text": "matrix"}),
    ("auth.logout", "POST"): Rule("/logout", SIGNED_IN, {}),
    ("auth.change_password", "GET"): Rule("/password", SIGNED_IN),
    ("auth.change_password", "POST"): Rule(
        "/password",
        SIGNED_IN,
        {"current": "correct horse battery", "password": "x" * 12, "confirm": "x" * 12},
    ),
    ("profile.index", "GET"): Rule("/profile/", SIGNED_IN),
    ("profile.create_token", "POST"): Rule("/profile/tokens", SIGNED_IN, {"name": "matrix"}),
    ("profile.revoke_token", "POST"): Rule("/profile/tokens/{token}/revoke", NOBODY, {}),
    ("admin.index", "GET"): Rule("/admin/", STAFF),
    ("admin.users", "GET"): Rule("/admin/users", ADMIN),
    ("admin.new_user", "GET"): Rule("/admin/users/new", ADMIN),
    ("admin.new_user", "POST"): Rule(
        "/admin/users/new",
        ADMIN,
        {"name": "N", "email": "n@example.org", "role": "admin", "body": 0, "locale": "vi"},
    ),
    ("admin.edit_user", "GET"): Rule("/admin/users/{user}", ADMIN),
    ("admin.edit_user", "POST"): Rule(
        "/admin/users/{user}", ADMIN, {"name": "Renamed", "role": "observer", "body": 0, "locale": "en"}
    ),
    ("admin.set_enabled", "POST"): Rule("/admin/users/{user}/disable", ADMIN, {}),
    ("admin.send_link", "POST"): Rule("/admin/users/{user}/reset", ADMIN, {}),
    ("admin.bodies", "GET"): Rule("/admin/bodies", ADMIN),
    ("admin.body", "GET"): Rule("/admin/bodies/{finance}", ADMIN),
    ("admin.body", "POST"): Rule("/admin/bodies/{finance}", ADMIN, {"name": "Renamed", "contact_email": ""}),
    ("admin.add_member", "POST"): Rule(
        "/admin/bodies/{districts}/members", ADMIN, {"key": "matrix-unit", "name": "Matrix"}
    ),
    ("admin.plans", "GET"): Rule("/admin/plans", ADMIN),
    ("admin.import_plan", "GET"): Rule("/admin/plans/import", ADMIN),
    ("admin.import_plan", "POST"): Rule(
        "/admin/plans/import", ADMIN, {"file": "plan", "start": 2031, "end": 2035}
    ),
    ("admin.roll_over", "GET"): Rule("/admin/plans/{plan}/roll-over", ADMIN),
    ("admin.roll_over", "POST"): Rule("/admin/plans/{plan}/roll-over", ADMIN, {"start": 2031, "end": 2035}),
    ("admin.plan_settings", "GET"): Rule("/admin/plans/{plan}/settings", ADMIN),
    ("admin.draft", "GET"): Rule("/admin/drafts/{draft}", ADMIN),
    ("admin.draft", "POST"): Rule(
        "/admin/drafts/{draft}", ADMIN, {"code": "9/KH-UBND", "title": "Kế hoạch 2021-2025", "issued_on": ""}
    ),
    ("admin.draft_texts", "GET"): Rule("/admin/drafts/{draft}/texts", ADMIN),
    ("admin.draft_text", "GET"): Rule("/admin/drafts/{draft}/texts/plan.general_objective.text", ADMIN),
    ("admin.draft_text", "POST"): Rule(
        "/admin/drafts/{draft}/texts/plan.general_objective.text", ADMIN, {"text": "Mục tiêu chung mới"}
    ),
    ("admin.draft_duty", "GET"): Rule("/admin/drafts/{draft}/duties/IV.4.a", ADMIN),
    ("admin.draft_duty", "POST"): Rule(
        "/admin/drafts/{draft}/duties/IV.4.a",
        ADMIN,
        {
            "text": "Bố trí kinh phí",
            "assignees": "finance",
            "lead": "finance",
            "kind": "yearly",
            "due": "10-31",
        },
    ),
    ("admin.draft_add_body", "POST"): Rule(
        "/admin/drafts/{draft}/bodies",
        ADMIN,
        {"key": "commune-an-binh", "name": "Xã An Bình", "group": "districts"},
    ),
    ("admin.draft_remove_body", "POST"): Rule("/admin/drafts/{draft}/bodies/newspaper/remove", ADMIN, {}),
    ("admin.publish_draft", "POST"): Rule("/admin/drafts/{draft}/publish", ADMIN, {}),
    ("admin.draft_target", "GET"): Rule("/admin/drafts/{draft}/targets/I.2.a.1", ADMIN),
    ("admin.draft_target", "POST"): Rule(
        "/admin/drafts/{draft}/targets/I.2.a.1", ADMIN, {"owner": "home-affairs"}
    ),
    ("Drafts.draft_list", "GET"): Rule("/api/v1/drafts", ADMIN),
    ("Drafts.draft", "GET"): Rule("/api/v1/drafts/{draft}", ADMIN),
    ("Drafts.start", "POST"): Rule(
        "/api/v1/drafts", ADMIN, {"plan": 1, "period_start": 2026, "period_end": 2030}
    ),
    ("Drafts.edit", "PATCH"): Rule("/api/v1/drafts/{draft}", ADMIN, {"code": "1/KH-UBND"}),
    ("Drafts.publish", "POST"): Rule("/api/v1/drafts/{draft}/publish", ADMIN, {}),
    ("admin.retire", "GET"): Rule("/admin/bodies/{finance}/retire", ADMIN),
    ("admin.retire", "POST"): Rule(
        "/admin/bodies/{finance}/retire", ADMIN, {"on": "01/01/2019", "reason": "Sáp nhập", "successor": 0}
    ),
    ("admin.workbook_template", "GET"): Rule("/admin/plans/workbook-template.xlsx", ADMIN),
    ("admin.plan_workbook", "GET"): Rule("/admin/plans/{plan}/workbook.xlsx", ADMIN),
    ("admin.plan_settings", "POST"): Rule("/admin/plans/{plan}/settings", ADMIN, PLAN_DAYS),
    ("admin.ad_hoc_task", "GET"): Rule("/admin/plans/{plan}/ad-hoc", STAFF),
    ("admin.ad_hoc_task", "POST"): Rule(
        "/admin/plans/{plan}/ad-hoc", STAFF, {"body": "{finance}", "title": "Matrix", "due_on": "2018-05-05"}
    ),
    ("admin.extend_deadline", "GET"): Rule("/admin/tasks/{task}/extend", STAFF),
    ("admin.extend_deadline", "POST"): Rule(
        "/admin/tasks/{task}/extend", STAFF, {"deadline": "2019-12-31", "reason": "matrix"}
    ),
    ("reminders.profile", "GET"): Rule("/profile/reminders", SIGNED_IN),
    ("reminders.save_preferences", "POST"): Rule("/profile/reminders", SIGNED_IN, {"before": "y"}),
    ("reminders.new_calendar", "POST"): Rule("/profile/calendar", SIGNED_IN, {}),
    ("reminders.revoke_calendar", "POST"): Rule("/profile/calendar/revoke", SIGNED_IN, {}),
    ("reminders.outbox", "GET"): Rule("/outbox", STAFF),
    ("reminders.outbox_message", "GET"): Rule("/outbox/{message}", STAFF),
    ("reminders.retry_message", "POST"): Rule("/outbox/{message}/retry", STAFF, {}),
    ("reminders.policy", "GET"): Rule("/admin/reminders", ADMIN),
    ("reminders.policy", "POST"): Rule(
        "/admin/reminders", ADMIN, {"before_days": "7", "overdue_every_days": "3"}
    ),
    ("reminders.nudge", "GET"): Rule("/p/{plan}/bodies/{finance}/nudge", STAFF),
    ("reminders.nudge", "POST"): Rule("/p/{plan}/bodies/{finance}/nudge", STAFF, {"note": "matrix"}),
    ("coordinator.overview", "GET"): Rule("/p/{plan}/progress", SEE_ALL),
    ("coordinator.years", "GET"): Rule("/p/{plan}/progress/years", SEE_ALL),
    ("coordinator.themes", "GET"): Rule("/p/{plan}/progress/objective", SEE_ALL),
    ("coordinator.theme", "GET"): Rule("/p/{plan}/progress/objective/{objective}", SEE_ALL),
    ("coordinator.tasks", "GET"): Rule("/p/{plan}/progress/tasks?body={finance}", SEE_ALL),
    ("coordinator.overdue", "GET"): Rule("/p/{plan}/progress/overdue", SEE_ALL),
    ("coordinator.body", "GET"): Rule("/p/{plan}/progress/bodies/{finance}", SEE_ALL),
    ("coordinator.targets", "GET"): Rule("/p/{plan}/targets", SIGNED_IN),  # a focal point: its body's
    ("coordinator.target", "GET"): Rule("/p/{plan}/targets/{value}", SEE_ALL),
    ("coordinator.target", "POST"): Rule("/p/{plan}/targets/{value}", STAFF, {"year": "2017", "value": "42"}),
    ("coordinator.extension_requests", "GET"): Rule("/p/{plan}/extension-requests", SEE_ALL),
    ("coordinator.exports_page", "GET"): Rule("/p/{plan}/export", SEE_ALL),
    ("coordinator.export_xlsx", "GET"): Rule("/p/{plan}/export.xlsx", SEE_ALL),
    ("coordinator.export_csv", "GET"): Rule("/p/{plan}/export/overview.csv", SEE_ALL),
    ("coordinator.export_csv_excel_vi", "GET"): Rule("/p/{plan}/export/overview-excel-vi.csv", SEE_ALL),
    ("coordinator.report_index", "GET"): Rule("/p/{plan}/report", SEE_ALL),
    ("coordinator.report", "GET"): Rule("/p/{plan}/report/2017", SEE_ALL),
    ("focal.report_index", "GET"): Rule("/p/{plan}/reports", SIGNED_IN),
    ("focal.body_report", "GET"): Rule("/p/{plan}/bodies/{finance}/report/2017", SEE_ALL),
    ("focal.body_report", "POST"): Rule("/p/{plan}/bodies/{finance}/report/2017", NOBODY, {"save": "1"}),
    ("coordinator.body_reports_page", "GET"): Rule("/p/{plan}/body-reports", SEE_ALL),
    ("coordinator.decide_body_report", "POST"): Rule(
        "/body-reports/{body_report}/accept", STAFF, {"version": "{body_report_version}"}
    ),
    ("coordinator.province_report_page", "GET"): Rule("/p/{plan}/province-report/annual/2017", SEE_ALL),
    ("coordinator.province_report_page", "POST"): Rule(
        "/p/{plan}/province-report/annual/2017", STAFF, {"number": "1/BC-UBND", "version": "0"}
    ),
    ("coordinator.province_report_docx", "GET"): Rule("/p/{plan}/province-report/midterm/2018.docx", SEE_ALL),
    ("admin.audit_log", "GET"): Rule("/admin/audit", ADMIN),
    ("admin.audit_csv", "GET"): Rule("/admin/audit.csv", ADMIN),
    # The API: the same rules, by token and by browser session.
    ("Account.me", "GET"): Rule("/api/v1/me", SIGNED_IN),
    ("Plans.plans", "GET"): Rule("/api/v1/plans", SIGNED_IN),
    ("Plans.plan", "GET"): Rule("/api/v1/plans/{plan}", SIGNED_IN),
    ("Plans.responsibilities", "GET"): Rule("/api/v1/plans/{plan}/responsibilities", SIGNED_IN),
    ("Plans.responsibility", "GET"): Rule("/api/v1/responsibilities/{ad_hoc}", SEE_ALL),
    ("Plans.bodies", "GET"): Rule("/api/v1/bodies", SIGNED_IN),
    ("Plans.body", "GET"): Rule("/api/v1/bodies/{finance}", SIGNED_IN),
    ("Tasks.tasks", "GET"): Rule("/api/v1/tasks?body={finance}", SEE_ALL),
    ("Tasks.task", "GET"): Rule("/api/v1/tasks/{task}", SEE_ALL),
    ("Tasks.history", "GET"): Rule("/api/v1/tasks/{task}/history", SEE_ALL),
    ("Tasks.change_progress", "POST"): Rule("/api/v1/tasks/{task}/progress", STAFF, {"progress": "done"}),
    ("Review.submissions", "GET"): Rule("/api/v1/tasks/{task}/submissions", SEE_ALL),
    ("Review.submit", "POST"): Rule("/api/v1/tasks/{task}/submit", NOBODY, {"narrative": "matrix"}),
    ("Review.accept", "POST"): Rule("/api/v1/tasks/{task}/accept", STAFF, {}),
    ("Review.send_back", "POST"): Rule("/api/v1/tasks/{task}/return", STAFF, {"reason": "matrix"}),
    ("Review.reopen", "POST"): Rule("/api/v1/tasks/{task}/reopen", STAFF, {"reason": "matrix"}),
    ("Targets.targets", "GET"): Rule("/api/v1/plans/{plan}/targets", SIGNED_IN),
    ("Targets.target", "GET"): Rule("/api/v1/targets/{target}", SEE_ALL),
    ("Targets.put_actual", "PUT"): Rule("/api/v1/target-values/{value}/actuals/2017", STAFF, {"value": 42}),
    ("Reports.body_report", "GET"): Rule("/api/v1/plans/{plan}/bodies/{finance}/reports/2017", SEE_ALL),
    ("Reports.save_body_report", "PUT"): Rule(
        "/api/v1/plans/{plan}/bodies/{finance}/reports/2017", NOBODY, {"narratives": {}}
    ),
    ("Reports.submit_body_report", "POST"): Rule(
        "/api/v1/plans/{plan}/bodies/{finance}/reports/2017/submit", NOBODY, {}
    ),
    ("Reports.accept_body_report", "POST"): Rule("/api/v1/body-reports/{body_report}/accept", STAFF, {}),
    ("Reports.return_body_report", "POST"): Rule(
        "/api/v1/body-reports/{body_report}/return", STAFF, {"reason": "matrix"}
    ),
    ("Reports.reopen_body_report", "POST"): Rule(
        "/api/v1/body-reports/{accepted_report}/reopen", STAFF, {"reason": "matrix"}
    ),
    ("Reports.province", "GET"): Rule("/api/v1/plans/{plan}/province-reports/final/2020", SEE_ALL),
    ("Progress.by_body", "GET"): Rule("/api/v1/plans/{plan}/progress/bodies", SIGNED_IN),
    ("Progress.by_year", "GET"): Rule("/api/v1/plans/{plan}/progress/years", SIGNED_IN),
    ("Requests.task_requests", "GET"): Rule("/api/v1/tasks/{task}/extension-requests", SEE_ALL),
    ("Requests.ask", "POST"): Rule(
        "/api/v1/tasks/{task}/extension-requests", NOBODY, {"asked_for": "2019-12-31", "reason": "matrix"}
    ),
    ("Requests.pending", "GET"): Rule("/api/v1/plans/{plan}/extension-requests", SIGNED_IN),
    ("Requests.decide", "POST"): Rule(
        "/api/v1/extension-requests/{extension_request}/decision",
        STAFF,
        {"decision": "refuse", "decision_note": "matrix"},
    ),
    ("Requests.task_comments", "GET"): Rule("/api/v1/tasks/{task}/comments", SEE_ALL),
    ("Requests.comment", "POST"): Rule("/api/v1/tasks/{task}/comments", STAFF, {"text": "matrix"}),
}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(app):
    routes = _routes(app)
    missing = routes - PUBLIC - set(POLICY)
    assert not missing, f"routes without an authorisation rule in the matrix: {sorted(missing)}"
    assert not (set(POLICY) | PUBLIC) - routes, "the matrix names routes that no longer exist"


def _cases():
    """Every refused request, and every allowed read (allowed changes are tested with their feature)."""
    for (endpoint, method), rule in sorted(POLICY.items()):
        api = rule.url.startswith("/api/")
        for role in ROLES:
            if role in rule.allowed and method != "GET":
                continue
            for via in ("token", "session") if api and role != "anonymous" else ("session",):
                yield pytest.param(endpoint, method, role, via, id=f"{endpoint}-{method}-{role}-{via}")


def _objects(seed) -> dict[str, int]:
    """Objects of the Department of Finance (not the tested focal point's body)."""
    finance = body("finance")
    task = task_of("finance", "IV.4.a", "2017")
    task.evidence_file, task.evidence_name = "matrix.pdf", "matrix.pdf"
    (evidence.upload_folder() / "matrix.pdf").write_bytes(b"%PDF-1.4 matrix")
    value = db.session.scalars(
        select(TargetValue)
        .join(Target)
        .where(Target.owner_body_id.is_not(None), Target.owner_body_id != body("health").id)
        .order_by(TargetValue.id)
    ).first()
    ad_hoc = add_ad_hoc_task(
        user(COORDINATOR_EMAIL), plan(seed), finance, "Việc phát sinh kiểm tra quyền", date(2018, 5, 5)
    )
    token, _secret = create_token(user(focal_email("finance")), "finance system")
    message = MailMessage(
        kind="reminder_digest",
        recipient=focal_email("finance"),
        subject="s",
        body_text="b",
        status="failed",
        created_at=utcnow(),
    )
    db.session.add(message)
    asked = ask_extension(
        user(focal_email("finance")), task, task.deadline + timedelta(days=60), "Chờ số liệu kiểm tra quyền"
    )
    add_comment(task, user(focal_email("finance")), "Bình luận kiểm tra quyền")
    reports = _body_reports(seed)
    draft = _draft(seed)
    db.session.commit()
    return reports | {
        "extension_request": asked.id,
        "draft": draft.id,
        "plan": seed.plan_id,
        "finance": finance.id,
        "districts": body("districts").id,
        "task": task.id,
        "user": user(focal_email("finance")).id,
        "token": token.id,
        "value": value.id,
        "target": value.target_id,
        "responsibility": task.responsibility_id,
        "ad_hoc": ad_hoc[0].responsibility_id,
        "ad_hoc_task": ad_hoc[0].id,
        "message": message.id,
        "objective": db.session.scalar(
            select(Objective.id).where(Objective.plan_id == seed.plan_id).limit(1)
        ),
    }


def _body_reports(seed) -> dict[str, int]:
    """Finance's report for 2017 waiting for review and its 2016 one accepted; Health's 2017
    draft with every narrative written (for its focal point's own writes, tests/test_csrf.py)."""
    from gplan.models import BodyReport
    from gplan.reporting.body_reports import assemble

    now = utcnow()
    waiting = BodyReport(
        plan_id=seed.plan_id,
        body_id=body("finance").id,
        year=2017,
        status="submitted",
        submitted_at=now,
        narratives={},
    )
    accepted = BodyReport(
        plan_id=seed.plan_id,
        body_id=body("finance").id,
        year=2016,
        status="accepted",
        decided_at=now,
        narratives={},
    )
    sections = assemble(plan(seed), body("health"), 2017, now.date()).objectives
    draft = BodyReport(
        plan_id=seed.plan_id,
        body_id=body("health").id,
        year=2017,
        narratives={s.key: "Ma trận" for s in sections},
    )
    db.session.add_all([waiting, accepted, draft])
    db.session.flush()
    return {
        "health": body("health").id,
        "body_report": waiting.id,
        "body_report_version": waiting.version,
        "accepted_report": accepted.id,
    }


_DRAFTS: dict = {}


def _draft(seed) -> PlanDraft:
    """A roll-over draft of the plan for 2021-2025, ready to publish: made once for each state of
    the bodies (a draft follows the bodies added and retired), then copied."""
    state = tuple(db.session.execute(select(Body.key, Body.parent_id, Body.retired_on).order_by(Body.id)))
    if state not in _DRAFTS:
        made = start_rollover(user(ADMIN_EMAIL), plan(seed), (2021, 2025))
        edit_header(
            user(ADMIN_EMAIL),
            made,
            code="9/KH-UBND",
            title="Kế hoạch 2021-2025",
            title_en=None,
            issued_on=date(2021, 1, 15),
        )
        _DRAFTS[state] = {
            c.name: getattr(made, c.name) for c in PlanDraft.__table__.columns if c.name != "id"
        }
        return made
    copy = PlanDraft(**_DRAFTS[state])
    db.session.add(copy)
    db.session.flush()
    return copy


def fingerprint() -> str:
    """A digest of every row of every table (bar the token's last-use time)."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name != "last_used_at"]
        for row in db.session.execute(select(*columns).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _client(app, role: str):
    """A client signed in as ``role`` (without the sign-in itself, which writes to the log)."""
    client = app.test_client()
    if role != "anonymous":
        account = user(EMAILS[role])
        with client.session_transaction() as session:
            session["_user_id"] = account.get_id()
            session["_fresh"] = True
            session["login_at"] = session["seen_at"] = utcnow().timestamp()
    return client


def _csrf(client, role: str) -> str:
    from tests.helpers import csrf_from

    return csrf_from(client.get("/login" if role == "anonymous" else "/profile/").get_data(as_text=True))


def _refused(response, role: str, api: bool) -> bool:
    if role == "anonymous":
        if api:
            return response.status_code == 401
        return response.status_code == 302 and "/login" in response.location
    return response.status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "role", "via"), list(_cases()))
def test_authorisation(app, seed, endpoint, method, role, via):
    rule = POLICY[(endpoint, method)]
    objects = _objects(seed)
    url = rule.url.format(**objects)
    api = url.startswith("/api/")
    allowed = role in rule.allowed
    client = _client(app, role)
    headers = {}
    if via == "token":
        _token, secret = create_token(user(EMAILS[role]), "matrix")
        db.session.commit()
        headers["Authorization"] = f"Bearer {secret}"
        client.get("/api/v1/me", headers=headers)  # records the first use before the fingerprint
        client = app.test_client()
    csrf = _csrf(client, "anonymous" if via == "token" else role)
    before = fingerprint()
    if method == "GET":
        response = client.get(url, headers=headers)
    elif api:
        headers["X-CSRFToken"] = csrf
        response = client.open(url, method=method, json=rule.data, headers=headers)
    else:
        data = {name: str(value).format(**objects) for name, value in (rule.data or {}).items()}
        if "file" in data:
            import io

            data["file"] = (io.BytesIO(PLAN_FILE.read_bytes()), "plan.yaml")
        response = client.post(url, data=data | {"csrf_token": csrf}, headers=headers)
    response.close()  # e.g. a sent evidence file
    if allowed:
        assert not _refused(response, role, api) and response.status_code < 400, response.status_code
        return
    assert _refused(response, role, api), (response.status_code, response.get_data(as_text=True)[:200])
    if api:
        assert response.mimetype == "application/json"
    db.session.expire_all()
    assert fingerprint() == before, "a refused request changed the database"


# ---- A focal point and the API: nothing of another body, by any id --------------------------
# Every API route is in exactly one of these: routes taking another body's ids (each tried, must
# be refused), lists scoped to the caller (checked by content below), and what every signed-in
# user reads alike (the plan's text and its bodies).
FOREIGN: dict[tuple[str, str], list[str]] = {
    ("Tasks.tasks", "GET"): ["/api/v1/tasks?body={finance}", "/api/v1/tasks?body={finance}&plan={plan}"],
    ("Tasks.task", "GET"): ["/api/v1/tasks/{task}", "/api/v1/tasks/{ad_hoc_task}"],
    ("Tasks.history", "GET"): ["/api/v1/tasks/{task}/history", "/api/v1/tasks/{ad_hoc_task}/history"],
    ("Tasks.change_progress", "POST"): [
        "/api/v1/tasks/{task}/progress",
        "/api/v1/tasks/{ad_hoc_task}/progress",
    ],
    ("Plans.responsibility", "GET"): ["/api/v1/responsibilities/{ad_hoc}"],
    ("Review.submissions", "GET"): [
        "/api/v1/tasks/{task}/submissions",
        "/api/v1/tasks/{ad_hoc_task}/submissions",
    ],
    ("Review.submit", "POST"): ["/api/v1/tasks/{task}/submit", "/api/v1/tasks/{ad_hoc_task}/submit"],
    ("Review.accept", "POST"): ["/api/v1/tasks/{task}/accept"],
    ("Review.send_back", "POST"): ["/api/v1/tasks/{task}/return"],
    ("Review.reopen", "POST"): ["/api/v1/tasks/{task}/reopen"],
    ("Requests.task_requests", "GET"): [
        "/api/v1/tasks/{task}/extension-requests",
        "/api/v1/tasks/{ad_hoc_task}/extension-requests",
    ],
    ("Requests.ask", "POST"): ["/api/v1/tasks/{task}/extension-requests"],
    ("Requests.decide", "POST"): ["/api/v1/extension-requests/{extension_request}/decision"],
    ("Requests.task_comments", "GET"): [
        "/api/v1/tasks/{task}/comments",
        "/api/v1/tasks/{ad_hoc_task}/comments",
    ],
    ("Requests.comment", "POST"): ["/api/v1/tasks/{task}/comments", "/api/v1/tasks/{ad_hoc_task}/comments"],
    ("Targets.target", "GET"): ["/api/v1/targets/{target}"],
    ("Targets.put_actual", "PUT"): [
        "/api/v1/target-values/{value}/actuals/2017",
        "/api/v1/target-values/{value}/actuals/2015",
    ],
    ("Reports.body_report", "GET"): ["/api/v1/plans/{plan}/bodies/{finance}/reports/2017"],
    ("Reports.save_body_report", "PUT"): ["/api/v1/plans/{plan}/bodies/{finance}/reports/2017"],
    ("Reports.submit_body_report", "POST"): ["/api/v1/plans/{plan}/bodies/{finance}/reports/2017/submit"],
    ("Reports.accept_body_report", "POST"): ["/api/v1/body-reports/{body_report}/accept"],
    ("Reports.return_body_report", "POST"): ["/api/v1/body-reports/{body_report}/return"],
    ("Reports.reopen_body_report", "POST"): ["/api/v1/body-reports/{accepted_report}/reopen"],
    ("Reports.province", "GET"): ["/api/v1/plans/{plan}/province-reports/annual/2017"],
    # Drafts are the administrators' alone: a focal point reaches none, by any id.
    ("Drafts.draft_list", "GET"): ["/api/v1/drafts"],
    ("Drafts.draft", "GET"): ["/api/v1/drafts/{draft}"],
    ("Drafts.start", "POST"): ["/api/v1/drafts"],
    ("Drafts.edit", "PATCH"): ["/api/v1/drafts/{draft}"],
    ("Drafts.publish", "POST"): ["/api/v1/drafts/{draft}/publish"],
}
FOREIGN_BODIES = {
    ("Reports.save_body_report", "PUT"): {"narratives": {}},
    ("Reports.submit_body_report", "POST"): {},
    ("Reports.accept_body_report", "POST"): {},
    ("Reports.return_body_report", "POST"): {"reason": "matrix"},
    ("Reports.reopen_body_report", "POST"): {"reason": "matrix"},
    ("Tasks.change_progress", "POST"): {"progress": "done", "note": "matrix"},
    ("Targets.put_actual", "PUT"): {"value": 42},
    ("Review.submit", "POST"): {"narrative": "matrix"},
    ("Review.accept", "POST"): {},
    ("Review.send_back", "POST"): {"reason": "matrix"},
    ("Review.reopen", "POST"): {"reason": "matrix"},
    ("Requests.ask", "POST"): {"asked_for": "2019-12-31", "reason": "matrix"},
    ("Requests.decide", "POST"): {"decision": "approve"},
    ("Requests.comment", "POST"): {"text": "matrix"},
    ("Drafts.start", "POST"): {"plan": 1, "period_start": 2026, "period_end": 2030},
    ("Drafts.edit", "PATCH"): {"code": "1/KH-UBND"},
    ("Drafts.publish", "POST"): {},
}
SCOPED_LISTS = {
    ("Tasks.tasks", "GET"),
    ("Plans.responsibilities", "GET"),
    ("Targets.targets", "GET"),
    ("Progress.by_body", "GET"),
    ("Progress.by_year", "GET"),
    ("Requests.pending", "GET"),
}
SHARED = {
    ("Account.me", "GET"),
    ("Plans.plans", "GET"),
    ("Plans.plan", "GET"),
    ("Plans.bodies", "GET"),
    ("Plans.body", "GET"),
}


def test_every_api_route_is_tried_by_a_focal_point(app):
    api = {route for route in _routes(app) if route in POLICY and POLICY[route].url.startswith("/api/")}
    assert api == set(FOREIGN) | SCOPED_LISTS | SHARED
    assert not SHARED & (set(FOREIGN) | SCOPED_LISTS)


def _foreign_cases():
    for (endpoint, method), urls in sorted(FOREIGN.items()):
        for number, url in enumerate(urls):
            for via in ("token", "session"):
                yield pytest.param(endpoint, method, url, via, id=f"{endpoint}-{number}-{via}")


@pytest.mark.parametrize(("endpoint", "method", "url", "via"), list(_foreign_cases()))
def test_a_focal_point_reaches_nothing_of_another_body(app, seed, endpoint, method, url, via):
    objects = _objects(seed)
    client = _client(app, "focal_point") if via == "session" else app.test_client()
    headers = {}
    if via == "token":
        _token, secret = create_token(user(focal_email("health")), "matrix")
        db.session.commit()
        headers["Authorization"] = f"Bearer {secret}"
        client.get("/api/v1/me", headers=headers)  # records the first use before the fingerprint
    else:
        headers["X-CSRFToken"] = client.get("/api/v1/me").get_json()["csrf_token"]
    before = fingerprint()
    payload = FOREIGN_BODIES.get((endpoint, method))
    response = client.open(url.format(**objects), method=method, json=payload, headers=headers)
    assert response.status_code in (403, 404), (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    assert "Việc phát sinh kiểm tra quyền" not in text
    db.session.expire_all()
    assert fingerprint() == before, "a refused request changed the database"


def _focal_api(app):
    _token, secret = create_token(user(focal_email("health")), "lists")
    db.session.commit()
    client = app.test_client()
    return lambda url: client.get(url, headers={"Authorization": f"Bearer {secret}"})


def test_a_focal_points_responsibilities_hold_its_own_ad_hoc_work_only(app, seed):
    objects = _objects(seed)
    own = add_ad_hoc_task(
        user(COORDINATOR_EMAIL), plan(seed), body("health"), "Health's extra", date(2018, 6, 1)
    )
    db.session.commit()
    get = _focal_api(app)
    items = get(f"/api/v1/plans/{seed.plan_id}/responsibilities").get_json()["items"]
    ids = {item["id"] for item in items}
    assert objects["ad_hoc"] not in ids
    assert own[0].responsibility_id in ids
    assert objects["responsibility"] in ids  # the plan's own duties are everyone's to read
    assert [i["ref"] for i in items if i["ad_hoc"]] == [own[0].responsibility.ref]
    assert get(f"/api/v1/responsibilities/{objects['responsibility']}").status_code == 200
    assert get(f"/api/v1/responsibilities/{own[0].responsibility_id}").status_code == 200
    # Those who see all bodies see all ad-hoc work.
    _token, secret = create_token(user(OBSERVER_EMAIL), "lists")
    db.session.commit()
    observed = app.test_client().get(
        f"/api/v1/plans/{seed.plan_id}/responsibilities", headers={"Authorization": f"Bearer {secret}"}
    )
    assert {objects["ad_hoc"], own[0].responsibility_id} <= {i["id"] for i in observed.get_json()["items"]}


def test_a_focal_points_targets_are_those_its_body_reports(app, seed):
    from gplan.reporting.actuals import record_actual

    objects = _objects(seed)
    foreign = db.session.get(TargetValue, objects["value"])
    record_actual(user(COORDINATOR_EMAIL), foreign, 2017, value=77.7, note="figure of another body")
    db.session.commit()
    get = _focal_api(app)
    response = get(f"/api/v1/plans/{seed.plan_id}/targets")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert items and {t["owner_body"]["key"] for t in items} == {"health"}
    assert objects["target"] not in {t["id"] for t in items}
    assert "another body" not in response.get_data(as_text=True)
    web = _client(app, "focal_point").get(f"/p/{seed.plan_id}/targets").get_data(as_text=True)
    for item in items:  # the API lists what the targets page shows
        for value in item["values"]:
            assert f"/p/{seed.plan_id}/targets/{value['id']}" in web
    # A body reporting no target gets 403 from both, as on the web.
    _token, secret = create_token(user(focal_email("finance")), "lists")
    db.session.commit()
    finance = app.test_client().get(
        f"/api/v1/plans/{seed.plan_id}/targets", headers={"Authorization": f"Bearer {secret}"}
    )
    assert finance.status_code == 403


def test_a_focal_points_tasks_and_summaries_count_its_own_body(app, seed):
    objects = _objects(seed)
    health = body("health")
    get = _focal_api(app)
    listed = get(f"/api/v1/tasks?plan={seed.plan_id}&per_page=200").get_json()
    assert listed["total"] and {t["body"]["id"] for t in listed["items"]} == {health.id}
    assert objects["ad_hoc_task"] not in {t["id"] for t in listed["items"]}
    by_body = get(f"/api/v1/plans/{seed.plan_id}/progress/bodies").get_json()
    assert [row["body"]["id"] for row in by_body["items"]] == [health.id]
    assert by_body["total"]["total"] == listed["total"]
    by_year = get(f"/api/v1/plans/{seed.plan_id}/progress/years").get_json()
    assert by_year["total"]["total"] == listed["total"]


def test_a_focal_points_pending_extension_requests_are_its_own_bodys(app, seed):
    objects = _objects(seed)
    task = task_of("health", "IV.7.a", "2018:annual_report")
    own = ask_extension(user(focal_email("health")), task, task.deadline + timedelta(days=30), "Health asks")
    db.session.commit()
    listed = _focal_api(app)(f"/api/v1/plans/{seed.plan_id}/extension-requests").get_json()
    assert [item["id"] for item in listed["items"]] == [own.id] and listed["total"] == 1
    page = _client(app, "coordinator").get(f"/p/{seed.plan_id}/extension-requests").get_data(as_text=True)
    assert "Health asks" in page and "Chờ số liệu kiểm tra quyền" in page
    assert objects["extension_request"] != own.id
