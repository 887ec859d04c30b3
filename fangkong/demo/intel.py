"""The demo's list matching and tracing: a health commission's close-contact list of a few
hundred rows, messy as such lists come (a title row, lowercase x, full-width digits, +86
phones, plates with dots, duplicated and broken rows), some of them people and vehicles the
demo registered; and one case traced to its contacts. A newcomer sees a match, the review
queue and a trace in the first minute."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model

from fangkong.demo.loader import DemoContext, demo_layer
from fangkong.intel import listfile
from fangkong.intel.choices import CaseKind, ListPurpose, ListStatus
from fangkong.intel.models import Trace, WatchList
from fangkong.intel.services import lists, matching, tracing
from fangkong.lib import tabular
from fangkong.lib.idnumber import checksum_char
from fangkong.org.models import Unit
from fangkong.registration.models import Registration
from fangkong.screening.models import Check

LIST_ROWS = 300
MATCHING = 40


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _messy(number: str, n: int) -> str:
    if n % 5 == 0:
        return number.lower()
    if n % 5 == 1:
        return _full_width(number)
    if n % 5 == 2:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    return number


def _stranger(rng: random.Random) -> str:
    born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"6207{rng.randint(1, 25):02d}{born}{rng.randint(0, 999):03d}"
    return first17 + checksum_char(first17)


def list_csv(ctx: DemoContext) -> bytes:
    rng = random.Random(f"{ctx.seed}:intel")
    known = list(
        Registration.objects.select_related("person", "group__vehicle").order_by("pk")[
            : MATCHING * 5 : 5
        ]
    )
    rows = []
    for n, reg in enumerate(known):
        phone = (
            f"+86 {reg.phone[:3]} {reg.phone[3:7]} {reg.phone[7:]}"
            if reg.phone and n % 3 == 0
            else ""
        )
        vehicle = reg.group.vehicle if reg.group is not None else None
        plate = vehicle.plate if vehicle is not None and n % 4 == 0 else ""
        plate = f"{plate[:2]}·{plate[2:]}" if plate else ""
        rows.append([reg.name, _messy(reg.person.doc_number, n), phone, plate, ""])
    while len(rows) < LIST_ROWS:
        rows.append(
            [
                f"人员{len(rows)}",
                _stranger(rng),
                f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
                "",
                "",
            ]
        )
    rows += [
        rows[3],
        rows[10],
        ["王某", "62070219800101123", "", "", ""],
        ["李某", "", "12345", "", ""],
    ]
    lines = ["甘州区卫生健康局 密切接触者名单", "姓名,身份证号,手机号,车牌,备注"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _case(ctx: DemoContext) -> Any:
    """The case: the person of a recent check at a site where others were checked within
    half an hour (the demo's checks are spread over a week and every site)."""
    window = timedelta(minutes=30)
    for check in Check.objects.order_by("-checked_at")[:300]:
        others = Check.objects.filter(
            site_id=check.site_id,
            checked_at__range=(check.checked_at - window, check.checked_at + window),
        ).exclude(person_id=check.person_id)
        if others.count() >= 2:
            return check.person
    return None


def _analyst_unit() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


@demo_layer("intel")
def load_intel(ctx: DemoContext) -> None:
    user = get_user_model().objects.filter(username="commander").first()
    unit = _analyst_unit()
    if unit is None:
        return
    data = list_csv(ctx)
    read = listfile.read_list(tabular.read_sheets("密接名单.csv", data))
    watch_list = WatchList.objects.create(
        name="甘州区密切接触者名单（第3批）",
        source="甘州区卫生健康局",
        purpose=ListPurpose.CLOSE_CONTACT,
        legal_basis="《中华人民共和国传染病防治法》第十二条",
        expires_on=ctx.now.date() + timedelta(days=21),
        unit=unit,
        file_name="密接名单.csv",
        status=ListStatus.ACTIVE,
        rows_read=read.rows_read,
        entry_count=len(read.entries),
        duplicate_count=read.duplicates,
        problem_count=len(read.problems),
        problems=[[p.row, p.field, p.code, p.value] for p in read.problems],
        created_by=user,
    )
    lists.entries_store(watch_list=watch_list, entries=read.entries)
    matching.match_run(watch_list=watch_list)
    ctx.counts["intel list entries"] += len(read.entries)
    case = _case(ctx)
    if case is None:
        return
    trace = Trace.objects.create(
        case_kind=CaseKind.PERSON,
        person=case,
        since=ctx.now - timedelta(days=14),
        unit=unit,
        created_by=user,
    )
    ctx.counts["intel contacts"] += tracing.trace_run(trace=trace)
