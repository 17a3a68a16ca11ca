"""The province's report: compiled from the accepted body reports and the targets' figures, filled
in by the coordinator, printed as HTML and downloaded as a Word document in the format of Decree
30/2020/NĐ-CP (checked with python-docx; converted to PDF by LibreOffice where installed)."""

from __future__ import annotations

import io
import shutil
import subprocess  # nosec B404  # LibreOffice, where installed, on a file the test wrote
from decimal import Decimal

import pytest
from docx import Document
from docx.shared import Pt
from pypdf import PdfReader
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import ProvinceReport, TargetValue
from gplan.reporting import body_reports, report_decisions
from gplan.reporting.actuals import record_actual
from gplan.timeutil import local_today
from tests.helpers import COORDINATOR_EMAIL, OBSERVER_EMAIL, body, focal_email, login, plan, submit, user

YEAR = 2018
SETTINGS = {
    "number": "125/BC-UBND",
    "issued_on": "05/12/2018",
    "signer_title": "TM. Ủy ban nhân dân\nKT. Chủ tịch\nPhó Chủ tịch",
    "signer_name": "Nguyễn Văn Ký",
    "recipients": "- Bộ Lao động - Thương binh và Xã hội;\n- Thường trực Tỉnh ủy;\n- Lưu: VT.",
    "shortcomings": "Một số cơ quan báo cáo chậm.",
    "directions": "Tiếp tục đẩy mạnh truyền thông về bình đẳng giới.",
}


def _accepted_health_report(seed, text: str = "Y tế đã giảm tỷ số giới tính khi sinh.") -> None:
    assembled = body_reports.assemble(plan(seed), body("health"), YEAR, local_today())
    narratives = {s.key: text for s in assembled.objectives}
    report = body_reports.save(user(focal_email("health")), assembled, narratives, 0, submit=True)
    report_decisions.accept(user(COORDINATOR_EMAIL), report, report.version)
    db.session.commit()


def _with_figure(seed) -> TargetValue:
    value = db.session.scalars(select(TargetValue).order_by(TargetValue.id)).first()
    record_actual(user(COORDINATOR_EMAIL), value, YEAR, value=Decimal("37.5"))
    db.session.commit()
    return value


def _filled(client, seed, kind: str = "annual", year: int = YEAR) -> str:
    url = f"/p/{seed.plan_id}/province-report/{kind}/{year}"
    assert submit(client, url, SETTINGS | {"version": "0"}).status_code == 302
    return url


def test_the_word_report_has_the_decrees_parts_in_order_fonts_and_margins(client, seed):
    _accepted_health_report(seed)
    value = _with_figure(seed)
    login(client, COORDINATOR_EMAIL)
    url = _filled(client, seed)
    response = client.get(url + ".docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))

    head_left, head_right = (c.text for c in document.tables[0].rows[0].cells)
    assert "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG" in head_left and "Số: 125/BC-UBND" in head_left
    assert head_right.splitlines() == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hải Dương, ngày 05 tháng 12 năm 2018",
    ]
    texts = [p.text for p in document.paragraphs if p.text]
    order = [
        "BÁO CÁO",
        "Kết quả thực hiện Kế hoạch năm 2018",
        "I. KẾT QUẢ THỰC HIỆN",
        "II. TỒN TẠI, HẠN CHẾ",
        SETTINGS["shortcomings"],
        "III. PHƯƠNG HƯỚNG, KIẾN NGHỊ",
        SETTINGS["directions"],
    ]
    positions = [next(i for i, t in enumerate(texts) if t.startswith(part)) for part in order]
    assert positions == sorted(positions)
    results = texts[positions[2] : positions[3]]
    assert any(value.label in t and "37,5 (2018)" in t for t in results), "a target's value against its goal"
    assert any(t.startswith("- " + body("health").name + ": Y tế đã giảm") for t in results), (
        "the accepted narrative"
    )

    recipients, signature = (c.text for c in document.tables[-1].rows[0].cells)
    assert recipients.startswith("Nơi nhận:") and "Lưu: VT." in recipients
    assert signature.splitlines()[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert signature.strip().endswith("Nguyễn Văn Ký")

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    # Word keeps margins in twentieths of a point: 15 mm reads back as 14.99 mm.
    margins = {
        side: round(getattr(section, f"{side}_margin").mm, 1) for side in ("top", "bottom", "left", "right")
    }
    assert 20 <= margins["top"] <= 25 and 20 <= margins["bottom"] <= 25, margins
    assert 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20, margins
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    assert all(Pt(13) <= r.font.size <= Pt(14) for r in runs), "the text in 13–14 pt"
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_the_word_report_opens_in_libreoffice_as_a4_pages_with_its_vietnamese_text(client, seed, tmp_path):
    """What a clerk does with the file: open it in LibreOffice (scripts/test installs it) and
    print it. The PDF it makes is read back: A4 pages, the national motto and the accepted
    narrative in Vietnamese letters, not boxes."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the PDF conversion is not checked here")
    _accepted_health_report(seed)
    login(client, COORDINATOR_EMAIL)
    docx = tmp_path / "report.docx"
    docx.write_bytes(client.get(_filled(client, seed) + ".docx").data)
    result = subprocess.run(  # nosec B603
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",  # its own profile: runs in parallel
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = PdfReader(tmp_path / "report.pdf")
    assert pdf.pages and all(
        (round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72))
        == (210, 297)
        for page in pdf.pages
    )
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Y tế đã giảm"):
        assert words in text, (words, text[:600])


def test_only_accepted_body_reports_are_compiled(client, seed):
    _accepted_health_report(seed, "Văn bản đã được chấp nhận")
    assembled = body_reports.assemble(plan(seed), body("education"), YEAR, local_today())
    body_reports.save(
        user(focal_email("education")),
        assembled,
        {s.key: "Chưa được duyệt" for s in assembled.objectives},
        0,
        submit=True,
    )
    db.session.commit()
    login(client, COORDINATOR_EMAIL)
    page = client.get(f"/p/{seed.plan_id}/province-report/annual/{YEAR}").get_data(as_text=True)
    assert "Văn bản đã được chấp nhận" in page
    assert "Chưa được duyệt" not in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Nơi nhận:" in page


def test_the_coordinators_settings_are_kept_and_a_bad_date_comes_back_filled(client, seed):
    login(client, COORDINATOR_EMAIL)
    url = f"/p/{seed.plan_id}/province-report/midterm/2018"
    response = submit(client, url, SETTINGS | {"issued_on": "31/02/2018", "version": "0"})
    assert response.status_code == 422
    assert "Nguyễn Văn Ký" in response.get_data(as_text=True)
    assert db.session.scalar(select(ProvinceReport.id)) is None
    _filled(client, seed, "midterm", 2018)
    saved = db.session.scalar(select(ProvinceReport))
    assert (saved.number, saved.signer_name, saved.issued_on.isoformat()) == (
        "125/BC-UBND",
        "Nguyễn Văn Ký",
        "2018-12-05",
    )
    page = client.get(url).get_data(as_text=True)
    assert "Sơ kết giữa kỳ" in page and "Hải Dương, ngày 05 tháng 12 năm 2018" in page
    # Saving over a newer version: 409, nothing changed.
    assert submit(client, url, SETTINGS | {"signer_name": "Người khác", "version": "0"}).status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(ProvinceReport.signer_name)) == "Nguyễn Văn Ký"


def test_the_kinds_of_report_follow_the_plans_years_and_the_observer_only_reads(client, seed):
    login(client, OBSERVER_EMAIL)
    base = f"/p/{seed.plan_id}/province-report"
    assert client.get(f"{base}/midterm/2018").status_code == 200  # 2016–2020: year 3
    assert client.get(f"{base}/final/2020").status_code == 200
    assert client.get(f"{base}/midterm/2019").status_code == 404
    assert client.get(f"{base}/final/2019").status_code == 404
    assert client.get(f"{base}/weekly/2019").status_code == 404
    assert (
        submit(
            client, f"{base}/annual/2018", SETTINGS | {"version": "0"}, page=f"{base}/annual/2018"
        ).status_code
        == 403
    )
