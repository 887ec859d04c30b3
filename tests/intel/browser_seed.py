"""An active list and a traced case for the intel browser tests, added to the browser
server's database (after ``tests/browser/seed.py``), at the Ganzhou site the officer app uses.

Run ``manage.py shell -c "import tests.intel.browser_seed as s; s.run()"``; it prints the
trace's id on its last line.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.intel.choices import CaseKind, ListPurpose, ListStatus
from fangkong.intel.listfile import EntryRow
from fangkong.intel.models import Trace, WatchList
from fangkong.intel.services import lists, tracing
from fangkong.registration.people import person_get_or_create
from fangkong.sites.models import Site
from tests.intel.helpers import check_of
from tests.screening.conftest import id_number

SITE_CODE = "GZ-001"
LISTED = id_number(711)


def run() -> None:
    site = Site.objects.get(code=SITE_CODE)
    watch_list = WatchList.objects.create(
        name="浏览器测试密接名单",
        source="市卫健委",
        purpose=ListPurpose.CLOSE_CONTACT,
        legal_basis="《传染病防治法》",
        expires_on=timezone.localdate() + timedelta(days=14),
        unit=site.unit,
        status=ListStatus.ACTIVE,
    )
    row = EntryRow(row=2, sheet="名单", name="孙名单", doc_number=LISTED)
    lists.entries_store(watch_list=watch_list, entries=[row])
    watch_list.entry_count = 1
    watch_list.save(update_fields=["entry_count"])

    case = person_get_or_create(doc_type="resident_id", doc_number=id_number(712))
    contact = person_get_or_create(doc_type="resident_id", doc_number=id_number(713))
    at = timezone.now() - timedelta(hours=2)
    check_of(case, site, at=at)
    check_of(contact, site, at=at + timedelta(minutes=10))
    trace = Trace.objects.create(
        case_kind=CaseKind.PERSON, person=case, since=at - timedelta(days=1), unit=site.unit
    )
    tracing.trace_run(trace=trace)
    print(trace.pk)  # noqa: T201 - read by the test
