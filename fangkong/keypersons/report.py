"""The key-person section of a unit's daily analysis report (研判报告): the episodes under
a measure on the day by category, who started and ended that day, whose measure ends that
day, the day's follow-ups (due, done, missing, abnormal), the checkpoint candidates still
waiting for review and the returns after persuasion not yet confirmed, and the communities
with the most missing or abnormal follow-ups.

It reads the follow-ups of the day itself, not the marks on the episodes, so a report of an
earlier day says what that day was. A unit sees the communities of the police stations in its
subtree. Names only, no person: the report is read by everyone above the unit. The section is
a plain dictionary, frozen into the signed report with the rest of its figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from fangkong.grid.models import Community
from fangkong.keypersons.choices import CandidateStatus, ReturnState, Status
from fangkong.keypersons.models import Candidate, Category, KeyPerson, ReturnReferral

# The communities listed: those with the most missing and abnormal follow-ups.
COMMUNITIES_LISTED = 15


def keyperson_section(*, unit_path: str, day: date) -> dict[str, Any]:
    episodes = KeyPerson.objects.filter(community__station__path__startswith=unit_path)
    under = episodes.filter(start_on__lte=day, planned_end_on__gte=day).filter(
        Q(status=Status.ACTIVE, ended_on__isnull=True) | Q(ended_on__gt=day)
    )
    day_followups = Q(followups__day=day)
    rows = (
        under.order_by()
        .values("pk", "community_id", "category_id", "followups_per_day", "planned_end_on")
        .annotate(
            done=Count("followups", filter=day_followups),
            abnormal=Count("followups", filter=day_followups & Q(followups__abnormal=True)),
        )
    )
    by_category: dict[int, int] = {}
    communities: dict[int, dict[str, int]] = {}
    followups = {"due": 0, "done": 0, "missing": 0, "abnormal": 0}
    ending = 0
    for row in rows:
        by_category[row["category_id"]] = by_category.get(row["category_id"], 0) + 1
        done = row["done"] >= row["followups_per_day"]
        c = communities.setdefault(
            row["community_id"], {"active": 0, "due": 0, "done": 0, "missing": 0, "abnormal": 0}
        )
        for target in (c, followups):
            target["due"] += 1
            target["done"] += int(done)
            target["missing"] += int(not done)
            target["abnormal"] += int(row["abnormal"] > 0)
        c["active"] += 1
        ending += int(row["planned_end_on"] == day)
    names = dict(Category.objects.filter(pk__in=by_category).values_list("pk", "name"))
    orders = dict(Category.objects.filter(pk__in=by_category).values_list("pk", "sort_order"))
    places = {
        c.pk: (c.name, c.station.name)
        for c in Community.objects.filter(pk__in=communities).select_related("station")
    }
    listed = sorted(
        communities.items(),
        key=lambda item: (-item[1]["missing"] - item[1]["abnormal"], places[item[0]][0]),
    )[:COMMUNITIES_LISTED]
    return {
        "active": sum(by_category.values()),
        "started": episodes.filter(start_on=day).count(),
        "ended": episodes.filter(ended_on=day).exclude(status=Status.CANCELLED).count(),
        "ending": ending,
        "by_category": [
            {"name": names.get(pk, ""), "count": n}
            for pk, n in sorted(
                by_category.items(), key=lambda item: (orders.get(item[0], 0), item[0])
            )
        ],
        "followups": followups,
        "candidates_pending": Candidate.objects.filter(
            unit_path__startswith=unit_path, status=CandidateStatus.PENDING
        ).count(),
        "returns_unconfirmed": ReturnReferral.objects.filter(
            unit_path__startswith=unit_path, state=ReturnState.SENT
        ).count(),
        "communities": [
            {"name": places[pk][0], "station": places[pk][1], **figures} for pk, figures in listed
        ],
    }
