"""The plan's targets: comparators and status, entering figures by the owning body or the
coordinator, permissions, history, and the trend chart with its table."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from markupsafe import escape
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Objective, Target, TargetActual, TargetValue
from gplan.reporting.targets import assess, meets
from gplan.reporting.vocabulary import TargetStatus
from gplan.timeutil import LOCAL_TZ
from tests.api_support import assert_json_error, bearer
from tests.coordinator_support import row_of, table_rows
from tests.helpers import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    OBSERVER_EMAIL,
    csrf_from,
    focal_email,
    login,
    submit,
    user,
)

PERIOD = (2016, 2020)


def value_of(key: str) -> TargetValue:
    return db.session.scalar(select(TargetValue).filter_by(key=key))


def made(comparator: str, target: str, horizon: str = "end", **baseline) -> TargetValue:
    return TargetValue(comparator=comparator, value=Decimal(target), horizon_kind=horizon, **baseline)


def figure(year: int, value: str | None = None, women: str | None = None, men: str | None = None):
    as_decimal = lambda text: Decimal(text) if text is not None else None  # noqa: E731
    return TargetActual(
        year=year, value=as_decimal(value), value_women=as_decimal(women), value_men=as_decimal(men)
    )


def figures(*actuals: TargetActual) -> dict[int, TargetActual]:
    return {actual.year: actual for actual in actuals}


@pytest.mark.parametrize(
    "comparator, target, actual, met",
    [
        ("<=", "116", "112", True),  # sex ratio at birth: lower is better
        ("<=", "116", "116", True),
        ("<=", "116", "116.1", False),
        (">=", "25", "25", True),
        (">=", "25", "24.9", False),
        (">", "70", "70", False),
        (">", "70", "70.5", True),
        ("<", "15", "15", False),
        ("=", "0", "0", True),
        ("=", "0", "1", False),
    ],
)
def test_the_comparator_decides_what_meets_a_target(comparator, target, actual, met):
    assert meets(Decimal(actual), comparator, Decimal(target)) is met


def test_status_from_the_latest_figure_and_the_pace():
    sex_ratio = made("<=", "116")
    assert (
        assess(sex_ratio, figures(figure(2016, "119"), figure(2017, "115.4")), PERIOD).status
        == TargetStatus.MET
    )
    on_pace = assess(sex_ratio, figures(figure(2016, "119"), figure(2017, "118")), PERIOD)
    assert (on_pace.status, on_pace.year, on_pace.projected) == (
        TargetStatus.ON_TRACK,
        2017,
        [Decimal("115")],
    )
    too_slow = assess(sex_ratio, figures(figure(2016, "119"), figure(2017, "118.8")), PERIOD)
    assert too_slow.status == TargetStatus.OFF_TRACK and too_slow.projected == [Decimal("118.2")]
    assert (
        assess(sex_ratio, figures(figure(2017, "118")), PERIOD).status == TargetStatus.OFF_TRACK
    )  # no pace to judge
    assert (
        assess(sex_ratio, figures(figure(2019, "120"), figure(2020, "117")), PERIOD).status
        == TargetStatus.OFF_TRACK
    )


def test_the_baseline_gives_the_first_point_of_the_pace():
    women_in_committees = made(">=", "25", baseline=Decimal("18"), baseline_year=2015)
    assert assess(women_in_committees, figures(figure(2017, "22")), PERIOD).status == TargetStatus.ON_TRACK
    entered_baseline = figures(figure(2015, "21"), figure(2017, "22"))
    assert assess(made(">=", "25"), entered_baseline, PERIOD).status == TargetStatus.OFF_TRACK  # 23.5 in 2020


@pytest.mark.parametrize(
    ("earlier", "latest", "status", "projected"),
    [
        ("4", "2", TargetStatus.ON_TRACK, "-4"),  # "= 0": falling through zero by 2020
        ("1", "0.75", TargetStatus.ON_TRACK, "0"),  # reaching it exactly in 2020
        ("2", "3", TargetStatus.OFF_TRACK, "6"),  # moving away
        ("3", "2.9", TargetStatus.OFF_TRACK, "2.6"),  # too slowly
    ],
)
def test_an_exact_target_is_on_track_when_the_pace_crosses_it(earlier, latest, status, projected):
    none_left = made("=", "0")
    assessed = assess(none_left, figures(figure(2016, earlier), figure(2017, latest)), PERIOD)
    assert (assessed.status, assessed.projected) == (status, [Decimal(projected)])


def test_an_exact_target_approached_from_below():
    half = made("=", "50")
    assert (
        assess(half, figures(figure(2016, "46"), figure(2017, "47")), PERIOD).status == TargetStatus.ON_TRACK
    )  # 50
    assert (
        assess(half, figures(figure(2016, "46.5"), figure(2017, "47")), PERIOD).status
        == TargetStatus.OFF_TRACK
    )


def test_a_missed_last_year_is_off_track_without_a_pace():
    """In the period's last year there is no pace left to judge: the figure misses, whatever
    the trend (the page then says "the 2020 figure misses the target")."""
    sex_ratio = made("<=", "116")
    final = assess(sex_ratio, figures(figure(2019, "120"), figure(2020, "117")), PERIOD)
    assert (final.status, final.year, final.projected) == (TargetStatus.OFF_TRACK, 2020, [])
    slowing = assess(sex_ratio, figures(figure(2018, "120"), figure(2019, "117")), PERIOD)
    assert (slowing.status, slowing.projected) == (
        TargetStatus.ON_TRACK,
        [Decimal("114")],
    )  # a year left: the pace


def test_a_missed_yearly_target_is_off_track_without_a_pace():
    new_jobs = made(">=", "40", horizon="yearly")
    rising = figures(figure(2016, "30"), figure(2017, "38"))  # the pace would reach 40, but 2017 missed it
    missed = assess(new_jobs, rising, PERIOD)
    assert (missed.status, missed.year, missed.projected) == (TargetStatus.OFF_TRACK, 2017, [])
    assert (
        assess(made(">=", "40"), rising, PERIOD).status == TargetStatus.ON_TRACK
    )  # the same figures, by the period's end


def test_a_yearly_target_missed_is_off_track_and_each_sex_must_meet_it():
    new_jobs = made(">=", "40", horizon="yearly")
    assert (
        assess(new_jobs, figures(figure(2016, women="43.5", men="56.5")), PERIOD).status == TargetStatus.MET
    )
    missed = figures(figure(2016, women="43.5", men="56.5"), figure(2017, women="38", men="62"))
    assert assess(new_jobs, missed, PERIOD).status == TargetStatus.OFF_TRACK


def test_no_figure_in_the_period_is_no_data():
    assert assess(made("<=", "116"), {}, PERIOD).status == TargetStatus.NO_DATA
    assert assess(made("<=", "116"), figures(figure(2015, "118")), PERIOD).status == TargetStatus.NO_DATA


@pytest.fixture
def entry_day():
    with time_machine.travel(datetime(2018, 3, 15, 10, tzinfo=LOCAL_TZ), tick=False):
        yield


def signed_in(app, email: str):
    user(email).locale = "en"
    db.session.flush()
    client = app.test_client()
    login(client, email)
    return client


def enter(client, plan_id: int, target_value: TargetValue, **fields):
    data = {"year": "2017", "value": "", "value_women": "", "value_men": "", "source": "", "note": ""}
    data.update({k: str(v) for k, v in fields.items()})
    return submit(client, f"/p/{plan_id}/targets/{target_value.id}", data)


def test_health_enters_the_sex_ratio_and_the_coordinator_sees_it_met(app, seed, entry_day):
    health = signed_in(app, focal_email("health"))
    own = health.get(f"/p/{seed.plan_id}/targets").get_data(as_text=True)
    assert "Sex ratio at birth" in own
    assert "Women members of Party committees" not in own  # Home Affairs reports that one
    sex_ratio = value_of("sex-ratio-at-birth")
    response = enter(health, seed.plan_id, sex_ratio, value="115,4", source="Niên giám thống kê 2017")
    assert response.status_code == 302

    coordinator = signed_in(app, COORDINATOR_EMAIL)
    listing = coordinator.get(f"/p/{seed.plan_id}/targets").get_data(as_text=True)
    row = next(r for r in table_rows(listing) if r and r[0].startswith("I.2.d.1 Sex ratio at birth"))
    assert row[0].endswith("Reported by: Department of Health")
    assert row[1].startswith("≤ 116 trẻ sơ sinh trai/100 trẻ sơ sinh gái")
    assert row[4] == "115.4" and row[-1] == "Met"
    page = coordinator.get(f"/p/{seed.plan_id}/targets/{sex_ratio.id}").get_data(as_text=True)
    assert row_of(page, "2017")[1:5] == ["115.4", "—", "—", "Niên giám thống kê 2017"]
    assert "Đầu mối Sở Y tế" in row_of(page, "2017")[5]  # who entered it
    assert 'class="target-line"' in page and "<title>Actual 2017: 115.4</title>" in page
    assert "15/03/2018" in page  # the history: when


def test_a_correction_is_kept_in_the_history(app, seed, entry_day):
    coordinator = signed_in(app, COORDINATOR_EMAIL)
    sex_ratio = value_of("sex-ratio-at-birth")
    assert enter(coordinator, seed.plan_id, sex_ratio, value="118", source="Ước tính").status_code == 302
    assert enter(coordinator, seed.plan_id, sex_ratio, value="115.4", source="Niên giám").status_code == 302
    page = coordinator.get(f"/p/{seed.plan_id}/targets/{sex_ratio.id}").get_data(as_text=True)
    history = page[page.index('id="h-history"') :]
    assert "Figure: 118 → 115.4" in history
    assert "Source: Ước tính → Niên giám" in history
    assert history.count("<li>") == 2
    stored = db.session.scalars(select(TargetActual).filter_by(target_value_id=sex_ratio.id)).all()
    assert [(a.year, a.value) for a in stored] == [(2017, Decimal("115.4"))]


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("115,4", "115.4"),
        ("115.4", "115.4"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        (" 27,50 ", "27.5"),
    ],
)
def test_figures_are_read_with_a_comma_or_a_point(app, seed, entry_day, typed, stored):
    coordinator = signed_in(app, COORDINATOR_EMAIL)
    assert enter(coordinator, seed.plan_id, value_of("women-masters"), value=typed).status_code == 302
    actual = db.session.scalar(select(TargetActual).filter_by(target_value_id=value_of("women-masters").id))
    assert actual.value == Decimal(stored)


def test_opening_a_year_fills_the_form_for_correcting_it(app, seed, entry_day):
    coordinator = signed_in(app, COORDINATOR_EMAIL)
    sex_ratio = value_of("sex-ratio-at-birth")
    enter(coordinator, seed.plan_id, sex_ratio, value="117.25", source="Sở Y tế")
    page = coordinator.get(f"/p/{seed.plan_id}/targets/{sex_ratio.id}?year=2017").get_data(as_text=True)
    assert 'value="117.25"' in page and 'value="Sở Y tế"' in page


def test_only_the_owning_body_and_the_coordinator_enter_figures(app, seed, entry_day):
    sex_ratio, literacy = value_of("sex-ratio-at-birth"), value_of("literacy")
    education = signed_in(app, focal_email("education"))
    assert education.get(f"/p/{seed.plan_id}/targets/{sex_ratio.id}").status_code == 403
    own_page = f"/p/{seed.plan_id}/targets/{literacy.id}"
    data = {"year": "2017", "value": "120", "source": "", "note": ""}
    posted = submit(education, f"/p/{seed.plan_id}/targets/{sex_ratio.id}", data, page=own_page)
    assert posted.status_code == 403
    assert enter(education, seed.plan_id, literacy, value="98").status_code == 302
    assert signed_in(app, focal_email("radio-tv")).get(f"/p/{seed.plan_id}/targets").status_code == 403

    observer = signed_in(app, OBSERVER_EMAIL)
    read_only = observer.get(f"/p/{seed.plan_id}/targets/{sex_ratio.id}").get_data(as_text=True)
    assert "Enter or correct a figure" not in read_only
    assert submit(observer, f"/p/{seed.plan_id}/targets/{sex_ratio.id}", data).status_code == 403
    assert enter(signed_in(app, ADMIN_EMAIL), seed.plan_id, sex_ratio, value="116").status_code == 302
    assert db.session.scalar(select(func.count(TargetActual.id))) == 2


def test_a_wrong_figure_comes_back_with_what_was_typed(app, seed, entry_day):
    coordinator = signed_in(app, COORDINATOR_EMAIL)
    sex_ratio = value_of("sex-ratio-at-birth")
    wrong = enter(coordinator, seed.plan_id, sex_ratio, value="một trăm", source="Niên giám")
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 200
    assert "Enter a number, e.g. 116 or 27,5." in page
    assert 'value="một trăm"' in page and 'value="Niên giám"' in page
    empty = enter(coordinator, seed.plan_id, sex_ratio, source="Niên giám").get_data(as_text=True)
    assert "Enter the figure, or the women" in empty
    outside = enter(coordinator, seed.plan_id, sex_ratio, year=1999, value="115")
    page = outside.get_data(as_text=True)
    assert outside.status_code == 200 and "Not a valid choice." in page and 'value="115"' in page
    assert db.session.scalar(select(func.count(TargetActual.id))) == 0


@pytest.mark.parametrize("typed", ["một trăm", "NaN", "99999999999", "-12345678901,5"])
def test_a_bad_figure_gets_the_same_message_on_the_page_and_from_the_api(client, app, seed, entry_day, typed):
    sex_ratio = value_of("sex-ratio-at-birth")
    login(client, COORDINATOR_EMAIL)
    page = enter(client, seed.plan_id, sex_ratio, value=typed).get_data(as_text=True)
    url = f"/api/v1/target-values/{sex_ratio.id}/actuals/2017"
    answer = app.test_client().put(url, json={"value": typed}, headers=bearer(COORDINATOR_EMAIL))
    refusal = assert_json_error(answer, 422)
    message = refusal["errors"]["json"]["value"][0]
    assert refusal["message"] == message and str(escape(message)) in page
    assert db.session.scalar(select(func.count(TargetActual.id))) == 0


def test_every_bad_figure_is_named_at_once(client, app, seed, entry_day):
    new_jobs = value_of("new-jobs-each-sex")
    login(client, COORDINATOR_EMAIL)
    page = enter(client, seed.plan_id, new_jobs, value_women="nhiều", value_men="1e99")
    assert page.get_data(as_text=True).count('class="error"') == 2
    url = f"/api/v1/target-values/{new_jobs.id}/actuals/2017"
    answer = app.test_client().put(
        url, json={"value_women": "nhiều", "value_men": 1e99}, headers=bearer(COORDINATOR_EMAIL)
    )
    assert set(assert_json_error(answer, 422)["errors"]["json"]) == {"value_women", "value_men"}


def test_women_and_men_figures_are_each_judged(app, seed, entry_day):
    dolisa = signed_in(app, focal_email("dolisa"))
    new_jobs = value_of("new-jobs-each-sex")
    assert (
        enter(dolisa, seed.plan_id, new_jobs, year=2016, value_women="43,5", value_men="56,5").status_code
        == 302
    )
    page = dolisa.get(f"/p/{seed.plan_id}/targets/{new_jobs.id}").get_data(as_text=True)
    assert ">Met<" in page and 'class="line-women"' not in page  # one point: no line yet
    assert "<title>Women 2016: 43.5</title>" in page
    assert (
        enter(dolisa, seed.plan_id, new_jobs, year=2017, value_women="38", value_men="62").status_code == 302
    )
    page = dolisa.get(f"/p/{seed.plan_id}/targets/{new_jobs.id}").get_data(as_text=True)
    assert ">Off track<" in page and 'class="line-women"' in page and 'class="line-men"' in page
    assert row_of(page, "2017")[2:4] == ["38", "62"]
    listing = dolisa.get(f"/p/{seed.plan_id}/targets").get_data(as_text=True)
    new_jobs_row = next(r for r in table_rows(listing) if r and r[0].startswith("I.2.b.1"))
    assert new_jobs_row[3:5] == ["Women 43.5 Men 56.5", "Women 38 Men 62"]


def test_the_targets_page_shows_every_value_with_a_status(app, seed, entry_day):
    coordinator = signed_in(app, COORDINATOR_EMAIL)
    html = coordinator.get(f"/p/{seed.plan_id}/targets").get_data(as_text=True)
    in_plan = db.session.scalar(
        select(func.count(TargetValue.id))
        .join(Target)
        .join(Objective)
        .where(Objective.plan_id == seed.plan_id)
    )
    rows = [r for r in table_rows(html) if len(r) == 10 and r[0].startswith("I.2.")]
    assert len(rows) == in_plan == 26  # I.2.đ.1 has its airtime increase too
    assert {r[-1] for r in rows} == {"No data"}


def test_the_trend_chart_places_figures_against_the_target_line():
    from gplan.reporting.charts import nice_ticks, trend_chart

    chart = trend_chart(
        list(range(2015, 2021)), {"value": {2016: Decimal("117.5"), 2017: Decimal("115.4")}}, Decimal(116)
    )
    above, below = chart.series[0].points
    assert above.y < chart.target_y < below.y  # 117.5 is drawn above the ≤ 116 line, 115.4 below
    assert chart.x_ticks[0] == (chart.left, 2015) and chart.x_ticks[-1] == (chart.width - chart.right, 2020)
    assert above.x < below.x and chart.top <= above.y and below.y <= chart.height - chart.bottom
    assert nice_ticks(115.4, 117.5) == [115, 116, 117, 118]
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]


def _version_in(page: str) -> str:
    import re

    return re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)


def test_a_figure_changed_while_the_form_was_open_is_a_clear_409_keeping_what_was_typed(app, seed, entry_day):
    sex_ratio = value_of("sex-ratio-at-birth")
    coordinator = signed_in(app, COORDINATOR_EMAIL)
    url = f"/p/{seed.plan_id}/targets/{sex_ratio.id}"
    opened = coordinator.get(f"{url}?year=2017").get_data(as_text=True)
    assert _version_in(opened) == "2017:0"
    health = signed_in(app, focal_email("health"))
    assert enter(health, seed.plan_id, sex_ratio, value="115,4", source="Sở Y tế").status_code == 302

    typed = {"year": "2017", "value": "117,8", "value_women": "", "value_men": "", "note": "ước tính"}
    data = typed | {"source": "Cục Thống kê", "version": _version_in(opened), "csrf_token": csrf_from(opened)}
    stale = coordinator.post(url, data=data)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "the 2017 figure was entered or changed after you opened this form" in page
    assert 'value="117,8"' in page and 'value="Cục Thống kê"' in page and "ước tính" in page
    assert row_of(page, "2017")[1] == "115.4"  # the table shows the figure as it is now
    actual = db.session.scalar(select(TargetActual).filter_by(target_value_id=sex_ratio.id))
    assert actual.value == Decimal("115.4") and len(actual.revisions) == 1
    # Saving again from the page that came back replaces it, on purpose.
    again = coordinator.post(url, data=data | {"version": _version_in(page)})
    assert again.status_code == 302
    db.session.expire_all()
    actual = db.session.scalar(select(TargetActual).filter_by(target_value_id=sex_ratio.id))
    assert actual.value == Decimal("117.8")
    assert actual.revisions[0].before["value"] == actual.revisions[1].after["value"] == "115.4"


def test_choosing_a_year_that_already_has_a_figure_asks_before_replacing_it(app, seed, entry_day):
    sex_ratio = value_of("sex-ratio-at-birth")
    coordinator = signed_in(app, COORDINATOR_EMAIL)
    assert enter(coordinator, seed.plan_id, sex_ratio, year=2016, value="118").status_code == 302
    url = f"/p/{seed.plan_id}/targets/{sex_ratio.id}"
    opened = coordinator.get(f"{url}?year=2017").get_data(as_text=True)
    data = {"year": "2016", "value": "119", "version": _version_in(opened), "csrf_token": csrf_from(opened)}
    response = coordinator.post(url, data=data)
    assert response.status_code == 409
    assert "the 2016 figure was entered or changed" in response.get_data(as_text=True)
