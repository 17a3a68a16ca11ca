"""The province's report as a Word document in the format of Decree 30/2020/NĐ-CP (Appendix I):
A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, text in 14 pt; the
issuing body and the national motto side by side, the number, the place and date, the title,
parts I–III, then "Nơi nhận" beside the signature. Always in Vietnamese, the language of the
province's documents, whatever the coordinator's screen language."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from flask_babel import force_locale, gettext

from gplan.reporting.province_report import CompiledReport
from gplan.reporting.vocabulary import ProvinceReportKind

FONT = "Times New Roman"
TEXT_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
DOTS = "…"


def date_line(place: str, day: date | None) -> str:
    """ "Hải Dương, ngày 05 tháng 12 năm 2018", or with dots while the date is not set."""
    if day is None:
        return f"{place}, ngày {DOTS} tháng {DOTS} năm {DOTS}"
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def number_line(number: str | None) -> str:
    return f"Số: {number}" if number else f"Số: {DOTS}/BC-UBND"


def title_of(report: CompiledReport) -> str:
    """The report's subject line, below "BÁO CÁO"."""
    if report.kind == ProvinceReportKind.MIDTERM:
        return gettext(
            "Mid-term review of the plan, %(first)d–%(year)d", first=report.first_year, year=report.year
        )
    if report.kind == ProvinceReportKind.FINAL:
        return gettext(
            "Final review of the plan, %(first)d–%(year)d", first=report.first_year, year=report.year
        )
    return gettext("Results of implementing the plan in %(year)d", year=report.year)


def target_text(line: object) -> tuple[str, str, str]:
    """A target value's goal, its latest figure up to the report's year, and its status."""
    row = line.row  # type: ignore[attr-defined]
    value = row.value
    goal = f"{value.comparator.title} {_number(value.value)} {value.unit}".strip()
    year = line.assessment.year  # type: ignore[attr-defined]
    actual = row.actuals.get(year) if year else None
    figure = f"{_number(actual.value)} ({year})" if actual is not None and actual.value is not None else DOTS
    return goal, figure, str(line.assessment.status.title)  # type: ignore[attr-defined]


def _number(value: object) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


def _run_font(
    paragraph: Paragraph, text: str, *, size: float = TEXT_PT, bold: bool = False, italic: bool = False
) -> None:
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _line(
    container: object,
    text: str,
    *,
    align: WD_PARAGRAPH_ALIGNMENT | None = None,
    size: float = TEXT_PT,
    bold: bool = False,
    italic: bool = False,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _run_font(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _cell(cell: _Cell) -> _Cell:
    """A table cell emptied of its first blank paragraph, to write into."""
    cell._element.remove(cell.paragraphs[0]._element)
    return cell


def _setup(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]  # type: ignore[attr-defined]
    normal.font.name, normal.font.size = FONT, Pt(TEXT_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _head(document: object, report: CompiledReport) -> None:
    plan, settings = report.plan, report.settings
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = (_cell(c) for c in table.rows[0].cells)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _line(left, plan.issuer.upper(), align=centre, size=13, bold=True)
    _line(left, number_line(settings.number), align=centre, size=13)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=centre, size=13, bold=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", align=centre, size=14, bold=True)
    _line(right, date_line(place_of(report), settings.issued_on), align=centre, size=14, italic=True)


def place_of(report: CompiledReport) -> str:
    """The place on the date line: the province named in the issuer ("… tỉnh Hải Dương")."""
    issuer = report.plan.issuer
    for marker in ("tỉnh ", "thành phố ", "Tỉnh ", "Thành phố "):
        if marker in issuer:
            return issuer.rsplit(marker, 1)[1].strip()
    return issuer


def _body(document: object, report: CompiledReport) -> None:
    centre, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    _line(document, "")
    _line(document, "BÁO CÁO", align=centre, bold=True)
    _line(document, title_of(report), align=centre, bold=True)
    _line(document, f"{report.plan.title} ({report.plan.code})", align=centre, italic=True)
    _line(document, "")
    _line(document, gettext("I. RESULTS"), bold=True)
    for paragraph in report.results_text.splitlines() or [""]:
        _line(document, paragraph, align=justify)
    for number, result in enumerate(report.objectives, 1):
        _line(document, f"{number}. {result.objective.title}", align=justify, bold=True)
        for target in result.targets:
            goal, figure, status = target_text(target)
            label = target.row.value.label
            _line(
                document,
                f"- {label}: {gettext('target')} {goal}; {gettext('result')} {figure}; {status}.",
                align=justify,
            )
        for body, narrative in result.narratives:
            _line(document, f"- {body.name}: {narrative}", align=justify)
    for heading, text in (
        (gettext("II. SHORTCOMINGS AND LIMITATIONS"), report.settings.shortcomings),
        (gettext("III. DIRECTIONS AND RECOMMENDATIONS"), report.settings.directions),
    ):
        _line(document, heading, bold=True)
        for paragraph in (text or DOTS).splitlines():
            _line(document, paragraph, align=justify)


def _close(document: object, report: CompiledReport) -> None:
    settings = report.settings
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    left, right = (_cell(c) for c in table.rows[0].cells)
    _line(left, "Nơi nhận:", size=12, bold=True, italic=True)
    for recipient in (settings.recipients or "- Lưu: VT.").splitlines():
        _line(left, recipient, size=11)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for title_line in (settings.signer_title or "TM. ỦY BAN NHÂN DÂN").splitlines():
        _line(right, title_line.upper(), align=centre, bold=True)
    for _blank in range(4):
        _line(right, "", align=centre)
    _line(right, settings.signer_name or DOTS, align=centre, bold=True)


def province_docx(report: CompiledReport) -> bytes:
    """The report as a .docx file."""
    document = Document()
    with force_locale("vi"):
        _setup(document)
        _head(document, report)
        _body(document, report)
        _close(document, report)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def file_name(report: CompiledReport) -> str:
    return f"bao-cao-{report.kind.value}-{report.year}.docx"
