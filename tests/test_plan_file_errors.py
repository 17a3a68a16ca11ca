"""A bad plan file gets an error naming the file, the item and the fault — never a traceback."""

import copy

import pytest
import yaml
from flask_babel import force_locale

from gplan.plans.file import PlanFileError, parse_plan_text, read_plan_file
from tests.helpers import PLAN_FILE

GOOD = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def english():
    """The messages below are checked in English, as the command line writes them."""
    with force_locale("en"):
        yield


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
    assert problem.startswith("line 3, column 1: not valid YAML")
    assert "opened at line 2" in problem


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


def test_every_fault_is_explained_in_vietnamese():
    """pydantic's English ("Field required", "Extra inputs are not permitted") is replaced by
    a message chosen by the error's type; only the file's own keys and refs stay as written."""

    def mutate(data):
        data["plan"]["period"] = {"start": 2020, "end": 2016}
        data["plan"]["vaules"] = 1
        del data["bodies"][0]["name"]
        data["bodies"][1]["key"] = "Sở Y tế"
        data["objectives"][0]["number"] = 0
        data["objectives"][0]["targets"][0]["values"][0]["comparator"] = "about"
        data["objectives"][0]["targets"][0]["values"][0]["value"] = "nhiều"
        data["activities"][0]["lead"] = []
        data["responsibilities"][0]["schedule"] = {"kind": "window", "start": "11-15"}
        data["responsibilities"][1]["schedule"] = {"kind": "once", "year": "năm sau", "due": "03-31"}
        data["responsibilities"][2]["objectives"] = "một"
        data["due_days"]["annual_report"]["default"] = "13-45"

    with force_locale("vi"):
        problems = problems_of(changed(mutate))
    whats = {problem.what for problem in problems}
    assert {
        "giai đoạn kết thúc trước khi bắt đầu",
        "không phải trường nào của định dạng tệp kế hoạch (gõ nhầm?)",
        "bắt buộc nhưng đang thiếu",
        "chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ district-thanh-ha",
        "phải từ 1 trở lên",
        "phải là một trong các giá trị: '>=', '<=', '=', '>', '<'",
        "phải là một số",
        "không được để trống",
        "lịch loại 'window' cần có end",
        "phải là số nguyên",
        "phải là một danh sách",
        "'13-45' không phải ngày viết dạng MM-DD (tháng-ngày)",
    } <= whats, whats
    english = ("Field", "required", "Input should", "Extra inputs", "Value error", "valid", " or ")
    assert not [p for p in problems if any(word in p.what for word in english)]
    assert any(p.where == "plan › vaules" for p in problems)
    assert any(
        p.where.startswith("responsibilities[2] (") and p.where.endswith("› schedule › year")
        for p in problems
    )


def test_a_placeholder_only_coordinates():
    """ "related-bodies" names no body in particular (``placeholder: true``): it may coordinate,
    but given tasks or made a group, the file is refused, in Vietnamese too."""
    related = next(i for i, b in enumerate(GOOD["bodies"]) if b["key"] == "related-bodies")

    def mutate(data):
        data["responsibilities"][3]["assignees"] = ["related-bodies"]
        data["responsibilities"][4]["lead"] = ["related-bodies"]

    ref3, ref4 = GOOD["responsibilities"][3]["ref"], GOOD["responsibilities"][4]["ref"]
    problems = problems_of(changed(mutate))
    placeholder = "'related-bodies' is a placeholder: it can only be coordinating"
    assert f"responsibilities ({ref3}) › assignees: {placeholder}" in problems
    assert f"responsibilities ({ref4}) › lead: {placeholder}" in problems

    def grouped(data):
        data["bodies"][related]["group"] = True

    with force_locale("vi"):
        whats = {problem.what for problem in problems_of(changed(grouped))}
    assert "cách gọi chung chỉ được ghi là cơ quan phối hợp: không có 'group', không có 'ref'" in whats
