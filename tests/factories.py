"""factory_boy factories for volume; the named personas live in conftest.py."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from fangkong.org.choices import StaffKind, UnitKind
from fangkong.org.models import Staff, Unit
from fangkong.sites.choices import SiteKind
from fangkong.sites.models import Site


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.SQUAD
    parent = None
    path = factory.LazyAttribute(lambda u: (u.parent.path if u.parent else "/") + u.code + "/")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"民警{n}")
    kind = StaffKind.OFFICER
    badge_number = factory.Sequence(lambda n: f"{100000 + n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"测试卡点{n}")
    kind = SiteKind.TOLL_STATION
    unit = factory.SubFactory(UnitFactory)
    lng = factory.Sequence(lambda n: 100.45 + (n % 50) * 0.01)
    lat = factory.Sequence(lambda n: 38.93 + (n % 50) * 0.01)
    division_code = "620702"
