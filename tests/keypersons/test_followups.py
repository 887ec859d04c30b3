"""Follow-ups at the door and by link, the end-of-day flagging and the grid worker's day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.ratelimit import RateLimited
from fangkong.grid.models import Door
from fangkong.keypersons import figures, selectors, services
from fangkong.keypersons.models import FollowUp, KeyPerson, Task
from fangkong.org.choices import RoleCode, StaffKind
from tests.grid.world import World, persona
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db


def normal() -> services.FollowUpIn:
    return services.FollowUpIn(temperature=Decimal("36.5"))


def test_followup_recorded_once_per_key_and_marks_the_episode(world: World) -> None:
    kp = episode(world)
    grid = world.users["grid"]
    first, created = services.followup_record(
        actor=grid, key_person=kp, data=normal(), idempotency_key="abc"
    )
    again, created_again = services.followup_record(
        actor=grid, key_person=kp, data=normal(), idempotency_key="abc"
    )
    assert created and not created_again and first.pk == again.pk
    kp.refresh_from_db()
    assert kp.last_followup_on == timezone.localdate() and kp.followups_that_day == 1
    assert kp.abnormal_on is None


def test_fever_symptoms_or_absence_are_abnormal(world: World) -> None:
    kp = episode(world)
    grid = world.users["grid"]
    fever = services.FollowUpIn(temperature=Decimal("37.3"))
    assert services.followup_record(actor=grid, key_person=kp, data=fever)[0].abnormal
    away = services.FollowUpIn(temperature=Decimal("36.4"), at_home=False)
    assert services.followup_record(actor=grid, key_person=kp, data=away)[0].abnormal
    with pytest.raises(ValidationError) as exc:
        services.followup_record(
            actor=grid, key_person=kp,
            data=services.FollowUpIn(temperature=Decimal("45"), symptoms=["hiccups"]),
        )  # fmt: skip
    assert set(exc.value.error_dict) == {"temperature", "symptoms"}


def test_other_grid_worker_may_not_follow_up(world: World) -> None:
    kp = episode(world)
    with pytest.raises(PermissionDeniedError):
        services.followup_record(actor=world.users["grid2"], key_person=kp, data=normal())


def test_self_report_by_link_until_the_episode_ends(world: World) -> None:
    kp = episode(world)
    token = services.report_link_issue(actor=world.users["grid"], key_person=kp)
    followup = services.followup_self_report(token=token, data=normal(), ip="10.0.0.1")
    assert followup.self_reported and followup.key_person_id == kp.pk
    with pytest.raises(KeyPerson.DoesNotExist):
        services.followup_self_report(token="x" + token, data=normal(), ip="10.0.0.1")
    with time_machine.travel(timezone.now() + timedelta(days=16)):
        with pytest.raises(KeyPerson.DoesNotExist):
            services.followup_self_report(token=token, data=normal(), ip="10.0.0.1")
    services.keyperson_transition(
        actor=world.users["community"], key_person=kp, to_status="hospital", reason="送医"
    )
    with pytest.raises(KeyPerson.DoesNotExist):
        services.followup_self_report(token=token, data=normal(), ip="10.0.0.1")


def test_self_report_is_rate_limited(world: World) -> None:
    kp = episode(world)
    token = services.report_link_issue(actor=world.users["grid"], key_person=kp)
    for _ in range(services.followups.SELF_REPORT_RATE.count):
        services.followup_self_report(token=token, data=normal(), ip="10.0.0.2")
    with pytest.raises(RateLimited):
        services.followup_self_report(token=token, data=normal(), ip="10.0.0.2")


def test_flagging_makes_tasks_for_missing_abnormal_and_ending(world: World) -> None:
    today = timezone.localdate()
    missing = episode(world, 1, category="outsider")  # one a day, none done
    done = episode(world, 2, category="outsider")
    sick = episode(world, 3, category="outsider")
    ending = episode(world, 4, category="outsider", start_on=today - timedelta(days=14),
                     planned_end_on=today)  # fmt: skip
    grid = world.users["grid"]
    services.followup_record(actor=grid, key_person=done, data=normal())
    services.followup_record(actor=grid, key_person=ending, data=normal())
    fever = services.FollowUpIn(temperature=Decimal("38.1"), symptoms=["cough"])
    services.followup_record(actor=grid, key_person=sick, data=fever)
    result = services.followups_flag(day=today)
    assert (result.due, result.missing, result.abnormal, result.ending) == (4, 1, 1, 1)
    kinds = set(Task.objects.values_list("kind", "key_person_id"))
    assert kinds == {
        ("followup_missing", missing.pk),
        ("followup_abnormal", sick.pk),
        ("release_due", ending.pk),
    }
    assert services.followups_flag(day=today).tasks_created == 0
    officer_tasks = selectors.task_list_for_user(user=world.users["community"])
    assert officer_tasks.count() == 3
    assert {t.assignee_id for t in officer_tasks} == {world.community.officer_id}
    assert [kp.pk for kp in selectors.release_list_for_user(user=grid)] == [ending.pk]
    task = officer_tasks.first()
    services.task_done(actor=world.users["community"], task=task, note="已电话核实")
    with pytest.raises(PermissionDeniedError):
        services.task_done(actor=world.users["grid"], task=task)


def test_missing_followup_shows_on_officers_list_next_morning(world: World) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    kp = episode(world, category="outsider", start_on=yesterday)
    services.followups_flag(day=yesterday)
    [task] = selectors.task_list_for_user(user=world.users["community"])
    assert (task.kind, task.key_person_id, task.day) == ("followup_missing", kp.pk, yesterday)


def test_community_officers_day_lists_the_doors_of_their_community(world: World) -> None:
    """A community officer has communities, not cells: their day lists the doors of their
    community (it said every door was visited), and none of another community."""
    today = selectors.today_for_user(user=world.users["community"])
    assert {d.pk for d in today.doors} == {world.door.pk, world.door2.pk}


def test_station_officers_day_lists_the_doors_unvisited(world: World, client: Client) -> None:
    """A station's officer has neither cells nor communities of their own: their day lists
    the doors of the station's communities not visited this week (it listed none and said
    every door was visited), and none of another station's."""
    station_doors = set(Door.objects.filter(cell__community__station=world.station).values_list(
        "pk", flat=True))  # fmt: skip
    today = selectors.today_for_user(user=world.users["station"])
    assert {d.pk for d in today.doors} == station_doors
    client.force_login(world.users["station"])
    page = client.get(reverse("keypersons:today")).content.decode()
    assert "本周所有门户均已走访" not in page and world.door.address in page
    Door.objects.update(swept_at=timezone.now())
    page = client.get(reverse("keypersons:today")).content.decode()
    assert "本周所有门户均已走访" in page


def test_a_brigades_day_sweeps_no_doors_and_does_not_say_all_were_visited(
    world: World, client: Client
) -> None:
    """Above a station no one makes door rounds: the brigade's day neither sorts every door
    of its stations nor says that every door was visited."""
    brigade = persona(world.station.parent, "brigade_leader", StaffKind.OFFICER,
                      RoleCode.DUTY_LEADER)  # fmt: skip
    today = selectors.today_for_user(user=brigade)
    assert today.doors == [] and not today.sweeps
    client.force_login(brigade)
    page = client.get(reverse("keypersons:today")).content.decode()
    assert "本周所有门户均已走访" not in page and 'id="doors"' not in page


def test_grid_workers_day_and_the_command_figures(world: World, django_assert_max_num_queries):
    kp = episode(world, 1, category="outsider")
    episode(world, 2, category="close_contact")
    grid = world.users["grid"]
    services.followup_record(actor=grid, key_person=kp, data=normal())
    with django_assert_max_num_queries(8):
        today = selectors.today_for_user(user=grid)
    assert sorted((d.key_person.pk, d.done, d.outstanding) for d in today.due)[0] == (kp.pk, 1, 0)
    assert len(today.doors) == 2
    station = world.users["station"]
    with django_assert_max_num_queries(10):
        summary = figures.summary_for_user(user=station)
    assert summary.total == 2 and summary.by_status == {"active": 2}
    [cell] = summary.grids
    assert (cell.due, cell.done, cell.missing, cell.abnormal) == (2, 1, 1, 0)
    assert FollowUp.objects.count() == 1
