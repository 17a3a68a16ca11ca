"""One vocabulary: every status, kind and role is defined once with its label and class, labelled
in Vietnamese, styled, shown with its class, and never typed by hand in a template or in a
comparison in the code."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.mail.vocabulary import MailKind, MailState
from gplan.plans.retire import retire_body
from gplan.reminders.vocabulary import ReminderKind
from gplan.reporting.vocabulary import Comparator, Horizon, TargetStatus
from gplan.tasks.vocabulary import TaskEventKind, TaskProgress, TaskStatus
from gplan.templating import VOCABULARIES
from tests.coordinator_support import VIEWING_DAY, health_submissions, health_year_of_work
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, body, login, user

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    *(ROOT / "templates").rglob("*.html"),
    *(ROOT / "templates").rglob("*.txt"),
    *(ROOT / "gplan").rglob("templates/**/*.html"),
    *(ROOT / "gplan").rglob("templates/**/*.txt"),
]
# The values a status, state, kind or role is compared with; the plan file's own words (target
# comparators and horizons, schedule kinds) are left to the plan-file code that reads them.
WORDS = {
    member.value
    for vocabulary in VOCABULARIES
    if vocabulary not in (Comparator, Horizon)
    for member in vocabulary
}


STORED = {
    TaskProgress: ["not_started", "in_progress", "done", "closed"],
    TaskStatus: [
        *("done_on_time", "done_late", "in_progress", "overdue", "not_started"),
        *("closed", "closed_late"),
    ],
    TaskEventKind: ["progress", "extension", "assigned"],
    ReminderKind: ["due_soon", "due_today", "overdue", "window", "escalation", "nudge"],
    MailState: ["pending", "sending", "sent", "held", "failed"],
    MailKind: ["reminder_digest", "nudge", "invite", "reset"],
    Role: ["admin", "coordinator", "focal_point", "observer"],
    TargetStatus: ["met", "on_track", "off_track", "no_data"],
    Comparator: [">=", "<=", "=", ">", "<"],
    Horizon: ["end", "yearly", "term"],
}


@pytest.mark.parametrize("vocabulary", STORED, ids=lambda v: v.__name__)
def test_the_stored_and_sent_values_stay(vocabulary):
    """These strings are in the database, in plan files and in the API: a value may be added,
    but changing or removing one needs a data migration."""
    assert set(STORED[vocabulary]) <= set(vocabulary.values())


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_every_value_has_a_vietnamese_label(app, vocabulary):
    with app.test_request_context():
        for member in vocabulary:
            if vocabulary is Comparator:  # a sign, the same in every language
                assert member.title and not isinstance(member.title, LazyString)
                continue
            assert isinstance(member.title, LazyString), member
            with force_locale("en"):
                english = str(member.title)
            with force_locale("vi"):
                vietnamese = str(member.title)
            assert vietnamese != english, f"{vocabulary.__name__}.{member.name} has no Vietnamese label"


def test_every_class_a_vocabulary_names_is_styled():
    css = "".join(path.read_text() for path in (ROOT / "static" / "css").glob("*.css"))
    classes = {member.css_class for vocabulary in VOCABULARIES for member in vocabulary if member.css_class}
    assert classes >= {"tone-ok", "tone-late", "tone-progress", "tone-overdue", "tone-idle"}
    for css_class in classes:
        assert re.search(rf"\.{css_class}(?![\w-])", css), f"{css_class} has no style"


def _expressions(text: str) -> list[str]:
    return re.findall(r"{[{%](.*?)[%}]}", text, flags=re.S)


def _hand_typed_comparisons(expression: str) -> list[str]:
    """The quoted vocabulary values ``expression`` compares something with."""
    literal = r"""(['"])([^'"]*)\1"""
    found = re.findall(rf"(?:==|!=)\s*{literal}", expression)
    found += re.findall(rf"{literal}\s*(?:==|!=|\bin\b|\bnot in\b)", expression)
    for group in re.findall(r"\bin\s*\(([^)]*)\)", expression):
        found += re.findall(literal, group)
    return sorted({value for _quote, value in found if value in WORDS})


def test_the_checker_finds_hand_typed_values():
    assert _hand_typed_comparisons(" if status == 'overdue' ") == ["overdue"]
    assert _hand_typed_comparisons(" if current_user.role in ('admin', 'coordinator') ") == [
        "admin",
        "coordinator",
    ]
    assert _hand_typed_comparisons(" if 'escalation' in e.kinds ") == ["escalation"]
    assert _hand_typed_comparisons(" tabs(plan, 'overdue') ") == []
    assert _hand_typed_comparisons(" if status == TaskStatus.OVERDUE ") == []


def test_templates_compare_with_the_vocabularies_not_with_strings():
    offences = []
    for path in TEMPLATES:
        for expression in _expressions(path.read_text()):
            offences += [f"{path.relative_to(ROOT)}: {v}" for v in _hand_typed_comparisons(expression)]
    assert not offences, "compare with the vocabulary (e.g. TaskStatus.OVERDUE): " + "; ".join(offences)


def _code_offences(path: Path) -> list[str]:
    offences = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        for operand in [node.left, *node.comparators]:
            constants = operand.elts if isinstance(operand, ast.Tuple | ast.List | ast.Set) else [operand]
            for constant in constants:
                if isinstance(constant, ast.Constant) and constant.value in WORDS:
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: {constant.value!r}")
    return offences


def test_the_code_compares_with_the_vocabularies_not_with_strings():
    sources = [
        path
        for path in (ROOT / "gplan").rglob("*.py")
        if path.name != "vocabulary.py" and path.parent.name != "plans"  # the plan file's words
    ]
    offences = [offence for path in sources for offence in _code_offences(path)]
    assert not offences, "compare with the vocabulary: " + "; ".join(offences)


def test_each_status_is_shown_with_its_label_and_class(app, client, seed):
    """Health's tasks on the coordinator's drill-down are in every status but closed, a retired
    district's are closed (those due before its retirement when overdue, the later ones within
    their deadline): each badge carries its status's class, the legend and the bars every
    status's."""
    health_year_of_work(app)
    health_submissions(seed.plan_id)
    retire_body(user(ADMIN_EMAIL), body("district-tu-ky"), date(2018, 6, 1), "Giải thể cấp huyện")
    db.session.commit()
    with time_machine.travel(VIEWING_DAY, tick=False):
        login(client, COORDINATOR_EMAIL)
        pages = {
            key: client.get(f"/p/{seed.plan_id}/progress/bodies/{body(key).id}").get_data(as_text=True)
            for key in ("health", "district-tu-ky")
        }
        overview = client.get(f"/p/{seed.plan_id}/progress?year=0").get_data(as_text=True)
    with app.test_request_context(), force_locale("vi"):
        titles = {status: str(status.title) for status in TaskStatus}
    for status, title in titles.items():
        page = pages["district-tu-ky" if status in (TaskStatus.CLOSED, TaskStatus.CLOSED_LATE) else "health"]
        assert f'<span class="badge {status.css_class}">{title}</span>' in page, f"no badge for {status.name}"
        assert f'<li class="task {status.css_class}">' in page
        assert f'<span class="swatch {status.css_class}"></span>{title}' in overview
        assert f'<rect class="seg {status.css_class}"' in overview
