"""Lists that grow with the data, a page at a time with their filters in the address: the audit
log read newer and older without ever being counted, and the users list."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import unquote_plus

from sqlalchemy import event, func, select

from gplan.accounts.users import create_user
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.mail.delivery import queue_mail
from gplan.models import AuditEntry, Body
from gplan.timeutil import utcnow
from tests.api_support import bearer
from tests.helpers import ADMIN_EMAIL, PASSWORD, body, focal_email, login, user


@contextmanager
def statements():
    """The SQL run meanwhile."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def summaries(page: str) -> list[str]:
    return re.findall(r"(paging entry \d+)", page)


def add_entries(count: int, action: str = "login", same_instant: bool = False) -> list[str]:
    """``count`` entries, oldest first; with ``same_instant`` several share a time, so only
    their ids tell them apart. Returns their summaries newest first."""
    admin, start = user(ADMIN_EMAIL), utcnow() - timedelta(days=1)
    for n in range(count):
        at = start + timedelta(seconds=(n // 3 if same_instant else n))
        db.session.add(AuditEntry(at=at, action=action, actor_id=admin.id, summary=f"paging entry {n}"))
    db.session.commit()
    return [f"paging entry {n}" for n in reversed(range(count))]


def test_the_audit_log_walks_older_and_back_newer_keeping_its_filters(client, seed):
    expected = add_entries(23, same_instant=True)
    add_entries(5, action="user_created")  # filtered out below
    login(client, ADMIN_EMAIL)
    url, seen = "/admin/audit?action=login&who=admin&per_page=10", []
    pages = []
    while url:
        page = client.get(url).get_data(as_text=True)
        assert 'href="/admin/audit?' in page
        seen += summaries(page)
        pages.append((url, page))
        url = link(page, "next")
        if url:
            assert "action=login" in url and "who=admin" in url and "per_page=10" in url
    assert seen == expected and len(pages) == 3
    assert link(pages[0][1], "prev") is None and "⇤" not in pages[0][1]
    # Newer from the last page gives the middle page again, then the first.
    middle = client.get(link(pages[2][1], "prev")).get_data(as_text=True)
    assert summaries(middle) == summaries(pages[1][1]) and "⇤ Mới nhất" in middle
    first = client.get(link(middle, "prev")).get_data(as_text=True)
    assert summaries(first) == summaries(pages[0][1]) and link(first, "prev") is None


def test_an_audit_page_reads_its_rows_and_never_counts_the_log(client, seed):
    add_entries(60)
    login(client, ADMIN_EMAIL)
    client.get("/admin/audit")
    with statements() as seen:
        first = client.get("/admin/audit?action=login&per_page=20").get_data(as_text=True)
        older = client.get(link(first, "next")).get_data(as_text=True)
    reads = [s for s in seen if "audit_entry" in s]
    assert not [s for s in reads if "count(" in s.lower()], reads
    listing = [s for s in reads if "FROM audit_entry" in s and "audit_entry.id =" not in s]
    assert listing and all("LIMIT" in s for s in listing), listing
    # The first page holds the sign-in just made, then 19 of these.
    assert (len(summaries(first)), len(summaries(older))) == (19, 20)


def test_an_odd_or_unknown_starting_point_gives_the_newest_page(client, seed):
    expected = add_entries(12)
    login(client, ADMIN_EMAIL)
    for query in ("older=abc", "older=-4", "newer=999999999", "older=0"):
        response = client.get(f"/admin/audit?action=login&per_page=5&{query}")
        assert response.status_code == 200, query
        assert summaries(response.get_data(as_text=True)) == expected[:4], (
            query
        )  # after the sign-in just made


def test_past_the_oldest_the_page_is_empty_and_leads_back_to_the_newest(client, seed):
    add_entries(3)
    login(client, ADMIN_EMAIL)
    oldest = db.session.query(AuditEntry).order_by(AuditEntry.at, AuditEntry.id).first()
    page = client.get(f"/admin/audit?older={oldest.id}&action=login").get_data(as_text=True)
    assert not summaries(page) and "Không có mục nào ở trang này." in page
    assert 'href="/admin/audit?action=login">' in page.replace("⇤ ", "")


# ---- the users list -------------------------------------------------------------------------------

LETTERS = ["A", "Ă", "Â", "B", "D", "Đ", "E", "Ê", "O", "Ô", "Ơ", "U", "Ư"]  # Vietnamese order


def add_users(body_key: str, per_letter: int = 4) -> list[str]:
    """Focal points of one body named so that Vietnamese order is known; returns their names
    in that order."""
    names = [f"{letter} Kiểm thử {n:02d}" for letter in LETTERS for n in range(per_letter)]
    for n, name in enumerate(reversed(names)):  # created out of order
        create_user(
            email=f"thu{n}.{body_key}@example.org",
            name=name,
            role=Role.FOCAL_POINT,
            body=body(body_key),
            password=PASSWORD,
        )
    db.session.commit()
    return names


def user_names(page: str) -> list[str]:
    return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', html.unescape(page))


def test_the_users_list_pages_in_vietnamese_order_keeping_its_filters(client, seed):
    expected = add_users("health")
    add_users("education")  # another body's, filtered out
    login(client, ADMIN_EMAIL)
    health = body("health").id
    url, seen, pages = f"/admin/users?role=focal_point&body={health}&who=kiểm+thử&per_page=20", [], 0
    while url:
        page = client.get(url).get_data(as_text=True)
        assert "52 người dùng" in page
        seen += user_names(page)
        pages += 1
        url = link(page, "next")
        if url:
            assert f"body={health}" in url and "role=focal_point" in url and "per_page=20" in url
            assert "who=kiểm thử" in unquote_plus(url)
    assert seen == expected and pages == 3


def test_the_users_list_filters_by_role_and_by_a_piece_of_the_email(client, seed):
    add_users("health", per_letter=1)
    login(client, ADMIN_EMAIL)
    admins = user_names(client.get("/admin/users?role=admin").get_data(as_text=True))
    assert admins == [user(ADMIN_EMAIL).name]
    found = user_names(client.get("/admin/users?who=thu3.health@").get_data(as_text=True))
    assert found == ["Ô Kiểm thử 00"]  # the fourth created, from the end of the alphabet
    # Marks and case are ignored, on SQLite as on PostgreSQL.
    for typed in ("o kiem thu", "Ô KIỂM THỬ", "ơ kiểm"):
        found = user_names(client.get("/admin/users", query_string={"who": typed}).get_data(as_text=True))
        assert found == ["O Kiểm thử 00", "Ô Kiểm thử 00", "Ơ Kiểm thử 00"], typed


def test_odd_user_filters_give_the_whole_list_never_an_error(client, seed):
    login(client, ADMIN_EMAIL)
    everyone = client.get("/admin/users?per_page=200").get_data(as_text=True)
    for query in ("role=nobody", "body=abc", "body=-1", "who=%25_%5C", "page=999", "per_page=0"):
        response = client.get(f"/admin/users?{query}")
        assert response.status_code == 200, query
    nobody = client.get("/admin/users?role=nobody&per_page=200").get_data(as_text=True)
    assert user_names(nobody) == user_names(everyone)
    assert not user_names(client.get("/admin/users?who=%25_%5C").get_data(as_text=True))


# ---- the outbox ---------------------------------------------------------------------------------


def test_the_outbox_walks_older_and_newer_with_its_filters_never_counting_the_messages(client, seed):
    for n in range(45):
        queue_mail(
            kind="reminder", recipient=f"paging{n}@example.gov.vn", subject=f"Nhắc phân trang {n}", text="…"
        )
    queue_mail(kind="reminder", recipient="other@example.gov.vn", subject="Khác", text="…")
    db.session.commit()
    expected = [f"paging{n}@example.gov.vn" for n in reversed(range(45))]
    login(client, ADMIN_EMAIL)
    url, seen, pages = "/outbox?q=paging&status=pending&per_page=20", [], []
    with statements() as run:
        while url:
            page = client.get(url).get_data(as_text=True)
            seen += re.findall(r"(paging\d+@example\.gov\.vn)", page)
            pages.append(page)
            url = link(page, "next")
            if url:
                assert "q=paging" in url and "status=pending" in url and "per_page=20" in url
    assert seen == expected and len(pages) == 3
    counted = [s for s in run if "mail_message" in s and "count(" in s.lower() and "GROUP BY" not in s]
    assert not counted, counted
    back = client.get(link(pages[2], "prev")).get_data(as_text=True)
    assert re.findall(r"(paging\d+@example\.gov\.vn)", back) == expected[20:40]


# ---- the bodies list ----------------------------------------------------------------------------


def body_links(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a href="/admin/bodies/(\d+)">', page)]


def test_the_bodies_list_pages_every_body_once_and_finds_by_name_without_marks(client, seed):
    login(client, ADMIN_EMAIL)
    url, seen = "/admin/bodies?per_page=20", []
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += body_links(page)
        url = link(page, "next")
        if url:
            assert "per_page=20" in url
    assert sorted(seen) == sorted(db.session.scalars(select(Body.id))) and len(seen) > 30
    tu_ky = client.get("/admin/bodies?q=TU+KY").get_data(as_text=True)
    expected = {b.id for b in db.session.scalars(select(Body)) if "Tứ Kỳ" in b.name}
    assert expected and set(body_links(tu_ky)) == expected
    few = client.get("/admin/bodies?q=so&per_page=5").get_data(as_text=True)
    assert all("q=so" in href for href in re.findall(r'href="(/admin/bodies\?[^"]+)"', html.unescape(few)))


def test_the_api_gives_the_bodies_a_page_at_a_time(client, seed):
    headers = bearer(focal_email("finance"))
    first = client.get("/api/v1/bodies?per_page=10", headers=headers).get_json()
    total = db.session.scalar(select(func.count()).select_from(Body))
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (
        1,
        10,
        total,
        -(-total // 10),
    )
    seen = [b["id"] for b in first["items"]]
    for number in range(2, first["pages"] + 1):
        seen += [
            b["id"]
            for b in client.get(f"/api/v1/bodies?per_page=10&page={number}", headers=headers).get_json()[
                "items"
            ]
        ]
    assert sorted(seen) == sorted(db.session.scalars(select(Body.id))) and len(set(seen)) == total
    everything = client.get("/api/v1/bodies?per_page=200", headers=headers).get_json()["items"]
    assert [b["id"] for b in everything] == seen  # the same order a page at a time
    past = client.get("/api/v1/bodies?page=99", headers=headers).get_json()
    assert past["items"] == [] and past["total"] == total
    for query in ("page=0", "per_page=201", "per_page=x"):
        assert client.get(f"/api/v1/bodies?{query}", headers=headers).status_code == 422, query
