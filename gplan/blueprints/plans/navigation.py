"""The top bar's plan: the plan on the page, else the last one opened, else today's plan.

Remembered in the session, so that pages outside a plan (outbox, profile, administration)
keep the same menu as the plan's pages.
"""

from __future__ import annotations

from flask import g, request, session

from gplan.blueprints.plans import bp
from gplan.models import Plan
from gplan.models.lookup import by_id
from gplan.plans.queries import default_plan
from gplan.timeutil import local_today

SESSION_KEY = "plan_id"

# The top bar's sections: the section a page belongs to, by the start of its endpoint.
SECTIONS = {
    "coordinator.body_report": "reports",
    "coordinator.decide_body_report": "reports",
    "coordinator.province_report": "reports",
    "focal.body_report": "reports",
    "focal.report_index": "reports",
    "coordinator.target": "targets",
    "coordinator.": "monitoring",
    "focal.": "tasks",
    "reminders.nudge": "tasks",
    "plans.overview": "plan",
    "plans.index": "plan",
    "admin.": "administration",
    "reminders.policy": "administration",
    "reminders.outbox": "outbox",
    "profile.": "account",
    "reminders.profile": "account",
    "auth.": "account",
}


def remembered_plan() -> Plan | None:
    """The plan last opened in this session, else the plan of today's period."""
    plan_id = session.get(SESSION_KEY)
    plan = by_id(Plan, plan_id) if isinstance(plan_id, int) else None
    return plan or default_plan(local_today())


@bp.app_template_global("nav_plan")
def nav_plan(shown: object = None) -> Plan | None:
    """The plan the top bar links to; a plan shown on the page becomes the remembered one."""
    if isinstance(shown, Plan):
        if session.get(SESSION_KEY) != shown.id:
            session[SESSION_KEY] = shown.id
        return shown
    if "_nav_plan" not in g:
        g._nav_plan = remembered_plan()
    return g._nav_plan


@bp.app_template_global("nav_section")
def nav_section() -> str | None:
    endpoint = request.endpoint or ""
    for prefix, section in SECTIONS.items():
        if endpoint.startswith(prefix):
            return section
    return None
