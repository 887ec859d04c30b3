"""Reads of registrations: the public pass (by its token) and the officer's scoped lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from fangkong.core.jurisdiction import scope_q
from fangkong.lib import plate as platelib
from fangkong.lib.divisions import Division, division_children, division_get
from fangkong.registration.choices import RegistrationKind
from fangkong.registration.models import Person, Registration
from fangkong.sites.choices import ROAD_KINDS, SiteKind, SiteStatus
from fangkong.sites.models import Site

# Which registration forms each kind of site offers. Vehicles pass road sites; people walk
# through community gates (residents, visitors, newcomers who settle) and transport hubs
# (travellers by road, newcomers arriving by train or bus).
_ACCEPTED: dict[str, tuple[str, ...]] = {
    **{kind: (RegistrationKind.ROAD,) for kind in ROAD_KINDS},
    SiteKind.COMMUNITY_GATE: (RegistrationKind.COMMUNITY, RegistrationKind.FLOATING),
    SiteKind.TRANSPORT_HUB: (RegistrationKind.ROAD, RegistrationKind.FLOATING),
}

LOOKUP_LIMIT = 50
SITE_CACHE_SECONDS = 10


class SiteNotTakingRegistrations(Exception):
    """The site exists and takes this kind, but is suspended or closed just now."""

    def __init__(self, site: Site) -> None:
        super().__init__(site.code)
        self.site = site


def site_accepted_kinds(site: Site) -> tuple[str, ...]:
    return _ACCEPTED.get(site.kind, ())


def site_accepts(site: Site, kind: str) -> bool:
    return kind in site_accepted_kinds(site)


def _site_cache_key(code: str) -> str:
    # The code comes from the address: quoted, so that any text makes a valid cache key.
    return "registration-site:" + quote(code, safe="-_.")


def site_saved(sender: Any, instance: Site, **kwargs: Any) -> None:
    """On a site's save or delete: forget it, so this process sees the change at once."""
    cache.delete(_site_cache_key(instance.code))


def _site_by_code(code: str) -> Site | None:
    # Every registration POST starts here, and sites change a few times a day: keep them a
    # few seconds. A saved site is forgotten at once in this process (apps.py), in the
    # others after SITE_CACHE_SECONDS at most, unless the cache is shared.
    key = _site_cache_key(code)
    site = cache.get(key)
    if site is None:
        fields = ("id", "code", "name", "kind", "status", "unit_id")
        site = Site.objects.only(*fields).filter(code=code).first() or False
        cache.set(key, site, SITE_CACHE_SECONDS)
    return site or None


def site_for_registration(*, code: str, kind: str) -> Site:
    """The open site behind a public form URL. Raises ``Site.DoesNotExist`` for an unknown
    site or a kind it does not take, ``SiteNotTakingRegistrations`` when it is not open."""
    site = _site_by_code(code)
    if site is None or not site_accepts(site, kind):
        raise Site.DoesNotExist(code)
    if site.status != SiteStatus.OPEN:
        raise SiteNotTakingRegistrations(site)
    return site


def division_picker_children(code: str) -> list[Division]:
    """What the division picker offers below ``code`` ("" for the provinces). Placeholder
    tiers such as 市辖区 are skipped, so Beijing's districts come straight after Beijing."""
    if not code:
        provinces = (division_get(f"{prefix}0000") for prefix in range(10, 100))
        return [d for d in provinces if d is not None and d.is_current]
    children: list[Division] = []
    for child in division_children(code):
        children.extend(division_children(child.code) if child.is_placeholder else [child])
    return children


def registration_pass_get(*, token: str) -> list[Registration]:
    """Everyone a pass covers (a road group shares one), lead first; [] for an unknown token.

    Public: the token is the citizen's capability, 256 random bits, so it is not scoped."""
    return list(
        Registration.objects.filter(pass_token=token)
        .select_related("person", "site", "group__vehicle")
        .order_by("pk")
    )


def _clean_code(code: str) -> str:
    return "".join(code.split()).upper()


def _clean_plate(plate: str) -> str:
    try:
        return platelib.normalize_plate(plate)
    except platelib.PlateError:
        return platelib.clean_plate_text(plate)


def registration_lookup_for_user(
    *,
    user: Any,
    code: str | None = None,
    plate: str | None = None,
    phone_tail: str | None = None,
    token: str | None = None,
    site: Site | int | None = None,
    now: datetime | None = None,
) -> QuerySet[Registration]:
    """Registrations at sites in the user's jurisdiction, found by short code, plate, the
    phone's last four digits or the pass token (a scanned QR). Criteria combine with AND; at
    most ``LOOKUP_LIMIT`` are worth showing, newest first.

    Only passes still valid are found, except by token: a scanned QR is exact, and the officer
    is better told "expired" (``valid_until``) than "not found"."""
    registrations = Registration.objects.filter(scope_q(user, unit_field="site__unit"))
    if not token:
        registrations = registrations.filter(valid_until__gt=now or timezone.now())
    if code:
        registrations = registrations.filter(short_code=_clean_code(code))
    if plate:
        registrations = registrations.filter(group__vehicle__plate=_clean_plate(plate))
    if phone_tail:
        registrations = registrations.filter(phone_tail=phone_tail.strip())
    if token:
        registrations = registrations.filter(pass_token=token.strip())
    if site is not None:
        registrations = registrations.filter(site=site)
    return registrations.select_related("person", "site", "group__vehicle").order_by(
        "-created_at", "pk"
    )


def registration_get_for_user(
    *, user: Any, registration_id: int | None = None, token: str | None = None
) -> Registration:
    """One registration, expired or not, by id or pass token, if its site is in the user's
    jurisdiction; raises ``Registration.DoesNotExist`` otherwise, so a foreign record looks
    absent."""
    found = Registration.objects.filter(scope_q(user, unit_field="site__unit")).select_related(
        "person", "site", "group__vehicle"
    )
    if registration_id is not None:
        return found.get(pk=registration_id)
    if token:
        return found.get(pass_token=token)
    raise Registration.DoesNotExist


def person_get_for_user(*, user: Any, person_id: int) -> Person:
    """A person of whom a registration or a check was captured at a site in the user's
    jurisdiction; ``Person.DoesNotExist`` otherwise, so that a person known only elsewhere
    looks absent."""
    from fangkong.screening.models import Check

    in_scope = scope_q(user, unit_field="site__unit")
    registered = Registration.objects.filter(in_scope, person=OuterRef("pk"))
    checked = Check.objects.filter(in_scope, person=OuterRef("pk"))
    return Person.objects.filter(Exists(registered) | Exists(checked)).get(pk=person_id)
