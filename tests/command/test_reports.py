"""The daily analysis report: figures and changes, exceptions, the summary, a brigade's report
feeding the detachment's, sign-off by the duty leader freezing it, and its PDF and workbook."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from fangkong.command.choices import ReportStatus
from fangkong.command.models import AnalysisReport
from fangkong.command.reports import report_data
from fangkong.command.services import analysis_report_save, analysis_report_sign
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.org.choices import RoleCode
from tests.command.conftest import make_check, make_group
from tests.conftest import _persona, login

DAY = date(2026, 11, 21)
NOON = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)  # 12:00 in Zhangye
LATER = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 09:00 the next morning


@pytest.fixture
def day_of_checks(sites: Any) -> Any:
    """Ganzhou: 6 checks on the day (4 persuaded back in one hour, one override), 3 the day
    before, 2 a week before; Linze: 2 checks on the day."""
    g = sites["ganzhou"][0]
    for i in range(4):
        make_check(
            g,
            at=NOON + timedelta(minutes=i),
            outcome="persuade_return",
            recommended="pass" if i == 0 else "persuade_return",
            group=make_group(g, origin="510104"),
        )
    make_check(g, at=NOON - timedelta(hours=2), group=make_group(g, origin="620702"))
    make_check(sites["ganzhou"][2], at=NOON - timedelta(hours=1), outcome="refer_health")
    for i in range(3):
        make_check(g, at=NOON - timedelta(days=1, minutes=i))
    for i in range(2):
        make_check(g, at=NOON - timedelta(days=7, minutes=i))
        make_check(sites["linze"][0], at=NOON + timedelta(minutes=i))
    return sites


@pytest.fixture
def duty_leader(tree: Any) -> Any:
    return _persona(tree.ganzhou, "ganzhou-duty", RoleCode.DUTY_LEADER)


@pytest.fixture
def linze_leader(tree: Any) -> Any:
    return _persona(tree.linze, "linze-duty", RoleCode.DUTY_LEADER)


def test_report_figures_changes_exceptions_and_summary(day_of_checks: Any, tree: Any) -> None:
    data = report_data(unit=tree.ganzhou, day=DAY, now=LATER)
    assert data["figures"]["persons"] == 6
    assert (data["yesterday"]["persons"], data["last_week"]["persons"]) == (3, 2)
    assert (data["change_day"], data["change_week"]) == (100.0, 200.0)
    assert data["origins"][0] == {"code": "510000", "name": "四川省", "count": 4}
    exceptions = data["exceptions"]
    assert exceptions["persuade_peaks"] == [{"hour": 12, "count": 4}]
    assert [o["count"] for o in exceptions["override_sites"]] == [1]
    quiet = {q["name"] for q in exceptions["quiet_sites"]}
    assert day_of_checks["ganzhou"][1].name in quiet  # open, silent all day
    assert "甘州大队" in data["summary"] and "劝返4人" in data["summary"]
    assert "环比上升100.0%" in data["summary"]


def test_detachment_report_sums_brigades_and_lists_missing_and_late(
    day_of_checks: Any, tree: Any, duty_leader: Any, linze_leader: Any
) -> None:
    with time_machine.travel(LATER, tick=False):
        analysis_report_sign(user=duty_leader, unit=tree.ganzhou, day=DAY)
    with time_machine.travel(LATER + timedelta(hours=3), tick=False):  # 12:00, after 10:00
        analysis_report_sign(user=linze_leader, unit=tree.linze, day=DAY)
        data = report_data(unit=tree.detachment, day=DAY)
    rows = {u["name"]: u for u in data["units"]}
    assert rows["甘州大队"]["report"] == "on_time"
    assert rows["临泽大队"]["report"] == "late"
    assert data["totals"]["today"] == 8 == data["figures"]["persons"]
    assert data["late"] == ["临泽大队"]
    assert "迟报：临泽大队。" in data["summary"]
    brigade_only = report_data(unit=tree.ganzhou, day=DAY, now=LATER)
    assert brigade_only["not_submitted"] == ["甘州一中队"]


def test_sign_off_freezes_the_figures_and_is_audited(
    day_of_checks: Any, tree: Any, duty_leader: Any
) -> None:
    with time_machine.travel(LATER, tick=False):
        analysis_report_save(user=duty_leader, unit=tree.ganzhou, day=DAY, remarks="草稿")
        report = analysis_report_sign(user=duty_leader, unit=tree.ganzhou, day=DAY, remarks="已核")
    assert report.status == ReportStatus.SIGNED and report.signed_by == duty_leader
    assert AuditLog.objects.filter(action="command.report_sign").count() == 1
    make_check(day_of_checks["ganzhou"][0], at=NOON)  # synced after the sign-off
    client = login(duty_leader)
    page = client.get(f"/command/reports/{tree.ganzhou.pk}/{DAY}/")
    assert page.context["data"]["figures"]["persons"] == 6  # frozen, not 7
    with pytest.raises(ValidationError):
        analysis_report_save(user=duty_leader, unit=tree.ganzhou, day=DAY, remarks="改")
    with pytest.raises(ValidationError):
        analysis_report_sign(user=duty_leader, unit=tree.ganzhou, day=DAY)
    client.post(f"/command/reports/{tree.ganzhou.pk}/{DAY}/sign/", {"remarks": "x", "save": "1"})
    assert AnalysisReport.objects.get().remarks == "已核"


def test_only_a_duty_leader_in_jurisdiction_signs(
    day_of_checks: Any, tree: Any, brigade_officer: Any, linze_leader: Any
) -> None:
    with pytest.raises(PermissionDeniedError):
        analysis_report_sign(user=brigade_officer, unit=tree.ganzhou, day=DAY)  # no role
    with pytest.raises(PermissionDeniedError):
        analysis_report_sign(user=linze_leader, unit=tree.ganzhou, day=DAY)  # not theirs
    response = login(linze_leader).get(f"/command/reports/{tree.ganzhou.pk}/{DAY}/")
    assert response.status_code == 404
    response = login(brigade_officer).post(
        f"/command/reports/{tree.ganzhou.pk}/{DAY}/sign/", {"sign": "1"}
    )
    assert response.status_code == 403
    assert not AnalysisReport.objects.filter(status=ReportStatus.SIGNED).exists()


def test_report_page_sign_through_the_form(day_of_checks: Any, tree: Any, duty_leader: Any) -> None:
    client = login(duty_leader)
    page = client.get(f"/command/reports/{tree.ganzhou.pk}/{DAY}/").content.decode()
    assert "研判报告" in page and "签发" in page
    client.post(f"/command/reports/{tree.ganzhou.pk}/{DAY}/sign/", {"remarks": "正常", "sign": "1"})
    report = AnalysisReport.objects.get()
    assert report.signed and report.data["remarks"] == "正常"
    signed_page = client.get(f"/command/reports/{tree.ganzhou.pk}/{DAY}/").content.decode()
    assert "签发并锁定" not in signed_page and "ganzhou-duty 于" in signed_page


def test_report_pdf_has_the_chinese_figures(
    day_of_checks: Any, tree: Any, commander: Any, tmp_path: Any
) -> None:
    url = f"/command/reports/{tree.ganzhou.pk}/{DAY}/report.pdf"
    response = login(commander).post(url, {"reason": "报送上级"})
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "甘州大队" in text and "研判报告" in text
    assert "劝返" in text and "四川省" in text
    assert re.search(r"查验人数\s+6\s+3\s+2", text), text
    assert "劝返4人" in text.replace(" ", "").replace("\n", "")
    assert AuditLog.objects.get(action="command.report_pdf").reason == "报送上级"


def test_report_workbook_reopens(day_of_checks: Any, tree: Any, commander: Any) -> None:
    url = f"/command/reports/{tree.detachment.pk}/{DAY}/report.xlsx"
    response = login(commander).post(url, {"reason": "报送上级"})
    book = load_workbook(BytesIO(response.content))
    figures = {r[0]: r[1:] for r in book.worksheets[0].iter_rows(values_only=True) if r[0]}
    assert figures["查验人数"] == (8, 3, 2)
    units = {r[0]: r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert units["甘州大队"][1] == 6 and units["甘州大队"][5] == "未报送"
    origins = [r[1] for r in book.worksheets[3].iter_rows(min_row=2, values_only=True)]
    assert origins[0] == "四川省"


def test_report_generate_command(day_of_checks: Any, tree: Any, tmp_path: Any) -> None:
    call_command(
        "report_generate", "--unit", "620700", "--day", DAY.isoformat(), "--out", str(tmp_path)
    )
    assert AnalysisReport.objects.filter(day=DAY, status=ReportStatus.DRAFT).count() == 4
    assert (tmp_path / "report-620700-2026-11-21.pdf").stat().st_size > 1000
    assert (tmp_path / "report-620702-2026-11-21.xlsx").exists()


@pytest.fixture
def analyst(tree: Any) -> Any:
    user = _persona(tree.ganzhou, "ganzhou-analyst", RoleCode.ANALYST)
    user.staff.name = "杨明"
    user.staff.save(update_fields=["name"])
    return user


def test_the_analyst_drafts_and_the_leader_signs(
    day_of_checks: Any, tree: Any, analyst: Any, duty_leader: Any, commander: Any, tmp_path: Any
) -> None:
    duty_leader.staff.name = "张伟"
    duty_leader.staff.save(update_fields=["name"])
    url = f"/command/reports/{tree.ganzhou.pk}/{DAY}/"
    drafting = login(analyst)
    page = drafting.get(url).content.decode()
    assert 'name="judgement"' in page and "签发并锁定" not in page  # drafts, does not sign
    with time_machine.travel(LATER, tick=False):
        drafting.post(url + "sign/", {"judgement": "态势平稳", "remarks": "无", "save": "1"})
    refused = drafting.post(url + "sign/", {"judgement": "x", "sign": "1"})
    assert refused.status_code == 403
    report = AnalysisReport.objects.get()
    assert (report.judgement, report.drafted_by, report.status) == ("态势平稳", analyst, "draft")
    assert AuditLog.objects.filter(action="command.report_draft", actor=analyst).count() == 1
    with time_machine.travel(LATER + timedelta(minutes=30), tick=False):
        login(duty_leader).post(
            url + "sign/", {"judgement": "态势平稳", "remarks": "无", "sign": "1"}
        )
    report.refresh_from_db()
    assert report.signed and report.drafted_by == analyst and report.signed_by == duty_leader
    signatures = login(commander).get(url).content.decode()
    assert "起草人" in signatures and "杨明" in signatures and "2026-11-22 09:00" in signatures
    assert "签发人" in signatures and "张伟" in signatures and "2026-11-22 09:30" in signatures
    pdf = login(commander).post(url + "report.pdf", {"reason": "报送上级"})
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert re.search(r"起草人：杨明\s+2026-11-22 09:00\s+签发人：张伟\s+2026-11-22 09:30", text), (
        text
    )
    assert "研判意见" in text and "态势平稳" in text
    workbook = login(commander).post(url + "report.xlsx", {"reason": "报送上级"})
    sheet = load_workbook(BytesIO(workbook.content)).worksheets[0]
    rows = [r[:3] for r in sheet.iter_rows(values_only=True)]
    assert ("起草人", "杨明", "2026-11-22 09:00") in rows
    assert ("签发人", "张伟", "2026-11-22 09:30") in rows
    assert ("研判意见", "态势平稳", None) in rows


def test_an_unsigned_report_shows_no_signer(day_of_checks: Any, tree: Any, commander: Any) -> None:
    page = login(commander).get(f"/command/reports/{tree.ganzhou.pk}/{DAY}/").content.decode()
    assert re.search(r"<dt>签发人</dt><dd>— ", page), page
