"""Who sees the coordinator's pages: the coordinator, the admin and the observer; a focal
point only the target figures its own body reports."""

from __future__ import annotations

import pytest

from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, OBSERVER_EMAIL, body, focal_email, login

PAGES = [
    "/progress",
    "/progress?year=2017&sort=completion&dir=asc",
    "/progress/years",
    "/progress/objective",
    "/progress/activity",
    "/progress/tasks?status=overdue",
    "/progress/overdue",
    "/progress/bodies/{health}",
    "/progress/objective/{objective}",
    "/progress/activity/{activity}",
    "/targets",
    "/export",
    "/report/2017",
]


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
    for path in PAGES:
        assert client.get(_url(seed, path, the_plan)).status_code == 200, path
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
