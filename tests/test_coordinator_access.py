"""Who sees the coordinator's pages: the coordinator, the admin and the observer; a focal
point only the target figures its own body reports."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, OBSERVER_EMAIL, body, focal_email, login

# Each page, its heading and something it must show (the plan is untouched: every task is late).
SHOWS = {
    "/progress": ("Tiến độ theo cơ quan", "Sở Y tế"),
    "/progress?year=2017&sort=completion&dir=asc": ("Tiến độ theo cơ quan", "Sở Y tế"),
    "/progress/years": ("Tỷ lệ hoàn thành theo cơ quan và năm", "Sở Y tế"),
    "/progress/objective": ("Tỷ lệ hoàn thành theo cơ quan và mục tiêu", "Sở Y tế"),
    "/progress/activity": ("Tỷ lệ hoàn thành theo cơ quan và hoạt động", "Sở Y tế"),
    "/progress/tasks?status=overdue": ("Nhiệm vụ", 'class="badge tone-overdue"'),
    "/progress/overdue": ("Nhiệm vụ quá hạn", "Sở Y tế"),
    "/progress/bodies/{health}": ("Sở Y tế", "IV.7.a"),
    "/progress/objective/{objective}": ("Mục tiêu 1", "Tỷ lệ nữ tham gia các cấp ủy Đảng"),
    "/progress/activity/{activity}": ("Hoạt động 1", "Sở Lao động - Thương binh và Xã hội"),
    "/targets": ("Chỉ tiêu", "≤ 116"),
    "/export": ("Xuất bảng tiến độ và bảng chỉ tiêu", "/export.xlsx"),
    "/report/2017": ("Kết quả thực hiện Kế hoạch năm 2017", "Sở Y tế"),
}
PAGES = list(SHOWS)


def _url(seed, path: str, plan) -> str:
    return f"/p/{seed.plan_id}" + path.format(
        health=body("health").id, objective=plan.objectives[0].id, activity=plan.activities[0].id
    )


@pytest.fixture
def the_plan(seed):
    from tests.helpers import plan

    return plan(seed)


@pytest.mark.parametrize("email", [COORDINATOR_EMAIL, ADMIN_EMAIL, OBSERVER_EMAIL])
def test_everyone_who_sees_all_bodies_reads_every_page(client, seed, the_plan, email):
    login(client, email)
    for path, (heading, fact) in SHOWS.items():
        response = client.get(_url(seed, path, the_plan))
        page = response.get_data(as_text=True)
        h1 = re.sub(r"<[^>]+>", " ", re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))
        assert response.status_code == 200 and heading in h1 and fact in page, path
    assert "status-not_started" not in client.get(_url(seed, "/progress/tasks?status=overdue", the_plan)).text
    home = client.get(f"/p/{seed.plan_id}/").get_data(as_text=True)
    assert f'href="/p/{seed.plan_id}/progress"' in home and f'href="/p/{seed.plan_id}/targets"' in home


@pytest.mark.parametrize("key", ["health", "dolisa", "district-tu-ky"])
def test_a_focal_point_gets_403_on_the_coordinator_pages(client, seed, the_plan, key):
    login(client, focal_email(key))
    for path in PAGES:
        if path == "/targets" and key in ("health", "dolisa"):
            continue  # their body reports targets: they see those (tested with the targets)
        assert client.get(_url(seed, path, the_plan)).status_code == 403, path
    home = client.get(f"/p/{seed.plan_id}/").get_data(as_text=True)
    assert f'href="/p/{seed.plan_id}/progress"' not in home
    assert (f'href="/p/{seed.plan_id}/targets"' in home) is (key != "district-tu-ky")


def test_signed_out_visitors_are_sent_to_sign_in(client, seed, the_plan):
    for path in PAGES:
        response = client.get(_url(seed, path, the_plan))
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
