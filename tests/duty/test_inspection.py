"""Supervision visits: checklist, findings, photos, fixes closed with who and how; posts not
visited today; the weekly summary per unit as Excel and PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from fangkong.core.models import AuditLog
from fangkong.duty import selectors, services
from fangkong.duty.models import Fix, Inspection
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty/inspections"


def visit(post: Any, **changes: Any) -> dict[str, Any]:
    deadline = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = {
        "site_id": post.site.pk,
        "checklist": {"staffed": True, "protective_gear": False},
        "findings": "辅警未戴口罩",
        "fixes": [{"text": "补发口罩并督促佩戴", "deadline": deadline}],
    }
    data.update(changes)
    return data


def test_visit_fix_and_close(post: Any, tree: Any) -> None:
    leader = login(post.leader)
    assert [s.pk for s in selectors.posts_not_visited(path=tree.ganzhou.path)] == [post.site.pk]
    created = leader.post(URL, visit(post), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["checklist"] == {"staffed": True, "protective_gear": False}
    [fix] = created.json()["fixes"]
    assert list(selectors.posts_not_visited(path=tree.ganzhou.path)) == []
    closed = login(post.alice).post(
        f"/api/v1/duty/fixes/{fix['id']}/close", {"note": "已补发"}, content_type="application/json"
    )
    assert closed.status_code == 200
    assert closed.json()["closed_by_name"] == "alice"
    again = leader.post(
        f"/api/v1/duty/fixes/{fix['id']}/close", {"note": "x"}, content_type="application/json"
    )
    assert again.json()["code"] == "already_closed"
    assert leader.get("/api/v1/duty/fixes").json() == []


def test_only_leaders_record_visits(post: Any) -> None:
    answer = login(post.alice).post(URL, visit(post), content_type="application/json")
    assert answer.status_code == 403


def test_bad_visit_is_a_422(post: Any) -> None:
    leader = login(post.leader)
    unknown = leader.post(
        URL, visit(post, checklist={"nope": True}), content_type="application/json"
    )
    assert unknown.json()["code"] == "checklist_unknown"
    past = visit(post, fixes=[{"text": "x", "deadline": "2020-01-01"}])
    assert leader.post(URL, past, content_type="application/json").json()["code"] == "fix_deadline"
    # A time without its zone is refused as such, not as a time in the future.
    naive = visit(post, at="2026-02-10T08:00:00")
    assert leader.post(URL, naive, content_type="application/json").json()["code"] == (
        "naive_datetime"
    )


def test_visit_page_with_photo(post: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    photo = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    data = {"site": post.site.pk, "item_staffed": "yes", "findings": "良好", "photos": photo}
    answer = login(post.leader).post("/duty/inspections/", data)
    assert answer.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.checklist["staffed"] is True
    assert inspection.checklist["protective_gear"] is False
    assert inspection.photos.count() == 1
    page = login(post.leader).get("/duty/inspections/")
    assert "良好" in page.content.decode()


def test_weekly_summary_excel_and_pdf(post: Any) -> None:
    leader = login(post.leader)
    leader.post(URL, visit(post), content_type="application/json")
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    asked = leader.get("/duty/summary.xlsx", {"week": week.isoformat()})
    assert asked.status_code == 200  # the reason form
    xlsx = leader.post(f"/duty/summary.xlsx?week={week.isoformat()}", {"reason": "周报"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    row = next(r for r in values if r[0] == post.site.name)
    assert row[2] == 1  # one visit
    assert row[4] == 1  # protective gear failed once
    pdf = leader.post(f"/duty/summary.pdf?week={week.isoformat()}", {"reason": "周报"})
    assert pdf.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(action="duty.summary_export").count() == 2
    assert Fix.objects.count() == 1


def test_the_summary_export_service_audits_the_week_and_format(post: Any) -> None:
    week = date(2026, 3, 2)
    content = services.summary_export(
        actor=post.leader,
        unit=post.site.unit,
        week_start=week,
        fmt="pdf",
        reason="周报",
        ip="10.1.2.3",
    )
    workbook = services.summary_export(
        actor=post.leader, unit=post.site.unit, week_start=week, fmt="xlsx", reason="周报"
    )

    assert content.startswith(b"%PDF") and workbook.startswith(b"PK")
    records = AuditLog.objects.filter(action="duty.summary_export").order_by("id")
    assert [(r.target_id, r.reason, r.ip, r.extra) for r in records] == [
        (str(post.site.unit.pk), "周报", "10.1.2.3", {"week": "2026-03-02", "format": "pdf"}),
        (str(post.site.unit.pk), "周报", None, {"week": "2026-03-02", "format": "xlsx"}),
    ]


@pytest.mark.parametrize("deadline", ["2026-02-30", "2026-2-x", "9999-12-31"])
def test_a_deadline_that_is_no_day_is_refused_on_the_page(post: Any, deadline: str) -> None:
    data = {"site": post.site.pk, "fix_0": "补发口罩", "deadline_0": deadline}
    answer = login(post.leader).post("/duty/inspections/", data, follow=True)
    assert answer.status_code == 200
    assert "期限：请按“年-月-日”填写日期" in answer.content.decode()
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("week", ["2026-02-30", "9999-12-31", "0001-01-01"])
def test_the_summary_of_a_week_that_is_no_day_is_this_weeks(post: Any, week: str) -> None:
    answer = login(post.leader).post(f"/duty/summary.xlsx?week={week}", {"reason": "周报"})
    assert answer.status_code == 200
    [record] = AuditLog.objects.filter(action="duty.summary_export")
    assert record.extra["week"] == "2026-02-09"
