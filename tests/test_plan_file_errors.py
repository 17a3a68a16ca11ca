"""A bad plan file gets an error naming the file, the item and the fault — never a traceback."""

import copy

import pytest
import yaml

from gplan.plans.file import PlanFileError, parse_plan_text, read_plan_file
from tests.helpers import PLAN_FILE

GOOD = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


def problems_of(data) -> list[str]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "broken.yaml")
    assert str(caught.value).startswith("broken.yaml: ")
    return caught.value.problems


def changed(mutate):
    data = copy.deepcopy(GOOD)
    mutate(data)
    return data


def test_the_shipped_file_is_valid():
    read_plan_file(PLAN_FILE)


def test_yaml_syntax_error_names_the_line():
    [problem] = problems_of("format: 1\nplan: [unclosed\n")
    assert "line" in problem and "not valid YAML" in problem


def test_unknown_body_names_the_responsibility():
    def mutate(data):
        data["responsibilities"][3]["coordinating"] = ["ministry-of-magic"]

    ref = GOOD["responsibilities"][3]["ref"]
    assert f"responsibilities ({ref}) › coordinating: unknown body 'ministry-of-magic'" in problems_of(
        changed(mutate)
    )


def test_missing_field_names_the_item():
    def mutate(data):
        del data["responsibilities"][0]["schedule"]

    [problem] = problems_of(changed(mutate))
    ref = GOOD["responsibilities"][0]["ref"]
    assert f"responsibilities[1] ({ref}) › schedule" in problem and "required" in problem.lower()


def test_typo_in_a_key_is_refused():
    def mutate(data):
        data["objectives"][0]["targets"][0]["vaules"] = data["objectives"][0]["targets"][0].pop("values")

    problems = problems_of(changed(mutate))
    assert any("vaules" in p for p in problems)


def test_wrong_comparator_and_schedule():
    def mutate(data):
        data["objectives"][0]["targets"][0]["values"][0]["comparator"] = "about"
        data["responsibilities"][0]["schedule"] = {"kind": "window", "start": "11-15"}

    problems = problems_of(changed(mutate))
    assert any("comparator" in p for p in problems)
    assert any("needs end" in p for p in problems)


def test_duplicate_ref_and_bad_day():
    def mutate(data):
        data["responsibilities"][1]["ref"] = data["responsibilities"][0]["ref"]
        data["responsibilities"][2]["schedule"] = {"kind": "yearly", "due": "02-30"}

    problems = problems_of(changed(mutate))
    assert any("is used twice" in p for p in problems)
    assert any("'02-30' is neither a due day" in p for p in problems)


def test_year_outside_the_period():
    def mutate(data):
        data["responsibilities"][0]["schedule"] = {"kind": "once", "year": 9, "due": "03-31"}

    assert any("outside a 5-year period" in p for p in problems_of(changed(mutate)))


def test_not_a_mapping_and_unreadable_file(tmp_path):
    assert problems_of("- just\n- a list\n") == ["the file must be a YAML mapping with 'plan', 'bodies', …"]
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(tmp_path / "missing.yaml")
    assert "missing.yaml: cannot be read" in str(caught.value)
