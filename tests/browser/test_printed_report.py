"""The annual report printed to PDF by Chromium: A4 at the stylesheet's 13 pt (not scaled
down to fit), the totals row once, every page numbered, no page left with a stray line."""

from __future__ import annotations

import io
import math
import unicodedata
from collections import Counter

import pytest
from pypdf import PdfReader

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

A4_POINTS = (595.3, 841.9)


def _text_sizes(page) -> Counter:
    """Characters per font size (points, as printed on the page)."""
    sizes: Counter = Counter()

    def visit(text, cm, tm, _font, font_size):
        if text.strip():
            # The text's height through the text matrix and the page's transformation.
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            sizes[round(font_size * math.hypot(c, d), 1)] += len(text.strip())

    page.extract_text(visitor_text=visit)
    return sizes


def test_the_report_prints_on_a4_at_its_size_with_numbered_pages(browser, live_app):
    page = browser.new_context(base_url=live_app.config["LIVE_URL"]).new_page()
    sign_in(page, "coordinator@example.org")
    page.goto(page.url.split("/progress")[0] + "/report")
    assert page.locator("h1.report-title").is_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))

    pages = pdf.pages
    assert len(pages) > 2
    for number, printed in enumerate(pages, 1):
        width, height = float(printed.mediabox.width), float(printed.mediabox.height)
        assert (round(width), round(height)) == tuple(round(v) for v in A4_POINTS)
        lines = [line.strip() for line in printed.extract_text().splitlines() if line.strip()]
        assert f"{number} / {len(pages)}" in lines, (number, lines[-3:])
    sizes = sum((_text_sizes(printed) for printed in pages), Counter())
    body, _count = sizes.most_common(1)[0]
    assert body == pytest.approx(13, abs=0.2), sizes.most_common(5)  # not scaled down
    assert min(size for size, count in sizes.items() if count > 50) >= 10.5, sizes.most_common(8)

    # pypdf spaces out Vietnamese letters with their marks ("T ổ ng c ộ ng"): compare without spaces.
    text = unicodedata.normalize("NFC", "".join(printed.extract_text() for printed in pages))
    assert text.replace(" ", "").count("Tổngcộng") == 1  # the totals row, once
    last = [line for line in pages[-1].extract_text().splitlines() if line.strip()]
    assert len(last) > 3, last  # the last page is not a stray line and its number
