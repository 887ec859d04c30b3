"""Files to download keep their name, whatever characters it holds."""

from __future__ import annotations

from urllib.parse import unquote

from fangkong.core.exports import XLSX, attachment


def test_an_ascii_name_is_sent_as_it_is() -> None:
    response = attachment(b"x", XLSX, "report-620702-2026-03-01.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="report-620702-2026-03-01.pdf"'
    assert response["Content-Type"] == XLSX


def test_a_chinese_name_or_one_with_quotes_and_breaks_is_sent_encoded() -> None:
    # A unit code or a list name comes from imports: it may hold anything.
    for name in ("协查-1.xlsx", 'report-甘"州\n-1.pdf'):
        header = attachment(b"x", "application/pdf", name)["Content-Disposition"]
        assert header.startswith("attachment; filename*=utf-8''") and "\n" not in header
        assert unquote(header.split("''", 1)[1]) == name
