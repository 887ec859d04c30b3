"""Registration API: citizens' registrations (public), the officers' pass lookup (scoped) and
the division picker's data (public)."""

# No "from __future__ import annotations" here: ninja recognises the temporal response
# parameter by its annotation object, which must not turn into a string.

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from fangkong.core.errors import FieldErrors
from fangkong.core.ratelimit import RateLimited
from fangkong.lib.divisions import division_get, division_path
from fangkong.lib.mask import mask_name, mask_phone
from fangkong.registration import people, posters, ratelimit, selectors, services
from fangkong.registration.models import Person, Registration
from fangkong.registration.schemas import (
    DivisionOut,
    ErrorOut,
    GroupOut,
    LookupFilter,
    PassOut,
    PersonVerifiedOut,
    PersonVerifyIn,
    RateLimitedOut,
    RegistrationIn,
    RegistrationOut,
    ValidationErrorOut,
)
from fangkong.sites.models import Site

router = Router(tags=["registration"])


def _pass_out(request: HttpRequest, lead: Registration) -> PassOut:
    return PassOut(
        pass_token=lead.pass_token,
        short_code=lead.short_code,
        valid_until=lead.valid_until,
        pass_url=request.build_absolute_uri(posters.pass_path(lead.pass_token)),
    )


@router.post(
    "/registrations",
    auth=None,
    response={
        201: PassOut,
        404: ErrorOut,
        410: ErrorOut,
        422: ValidationErrorOut,
        429: RateLimitedOut,
    },
    operation_id="registration_create",
)
def registration_create(request: HttpRequest, payload: RegistrationIn) -> tuple[int, object]:
    """Register at a site (no login), as the public form does; the same ``submission_key``
    sent again returns the same pass."""
    try:
        site = selectors.site_for_registration(code=payload.site_code, kind=payload.kind)
    except Site.DoesNotExist:
        return 404, ErrorOut(code="not_found", message=_("No such registration form."))
    except selectors.SiteNotTakingRegistrations:
        message = _("This site is not taking registrations at the moment.")
        return 410, ErrorOut(code="site_closed", message=message)
    verdict = ratelimit.registration_hit(request, site_id=site.pk, phone=payload.phone)
    if verdict.limited:
        raise RateLimited(verdict, ratelimit.limited_api_message(verdict))
    data = payload.dict(exclude={"site_code", "kind", "submission_key"})
    lead = services.registration_create(
        site=site, kind=payload.kind, submission_key=payload.submission_key, data=data
    )
    return 201, _pass_out(request, lead)


def registration_out(registration: Registration) -> RegistrationOut:
    group = registration.group
    person = registration.person
    return RegistrationOut(
        id=registration.pk,
        kind=registration.kind,
        site_id=registration.site_id,
        site_name=registration.site.name,
        role=registration.role,
        person_id=person.pk,
        # What this registration declared; the person holds no declared name or phone.
        name_masked=registration.name_masked,
        doc_masked=person.doc_masked,
        phone_masked=registration.phone_masked,
        contact_name_masked=registration.contact_name_masked,
        contact_phone_masked=registration.contact_phone_masked,
        short_code=registration.short_code,
        pass_token=registration.pass_token,
        valid_until=registration.valid_until,
        created_at=registration.created_at,
        declared=registration.declared,
        group=GroupOut(
            id=group.pk,
            plate=group.vehicle.plate if group.vehicle else "",
            vehicle_kind=group.vehicle_kind,
            origin_division=group.origin_division,
            origin_name=" ".join(division_path(group.origin_division)),
            places_passed=group.places_passed,
            destination=group.destination,
            purpose=group.purpose,
        )
        if group is not None
        else None,
    )


@router.post(
    "/registrations/lookup",
    response={200: list[RegistrationOut], 422: ValidationErrorOut},
    operation_id="registration_lookup",
)
def registration_lookup(request: HttpRequest, filters: LookupFilter) -> list[RegistrationOut]:
    """Valid passes at sites in the caller's jurisdiction, by short code, plate, the phone's
    last four digits or the pass token (criteria combine); at most 50, newest first. A POST
    with the criteria in the body, so that they stay out of URLs and access logs."""
    if not (filters.code or filters.plate or filters.phone_tail or filters.token):
        errors = FieldErrors()
        message = _("Give a receipt code, a plate, the last four digits of a phone or a token.")
        errors.add("code", message, "lookup_criterion_required")
        errors.raise_if_any()
    registrations = selectors.registration_lookup_for_user(
        user=request.user,
        code=filters.code or None,
        plate=filters.plate or None,
        phone_tail=filters.phone_tail or None,
        token=filters.token or None,
        site=filters.site,
    )
    return [registration_out(r) for r in registrations[: selectors.LOOKUP_LIMIT]]


@router.post(
    "/persons/{person_id}/verification",
    response={200: PersonVerifiedOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    operation_id="person_verify",
)
def person_verification(
    request: HttpRequest, person_id: int, payload: PersonVerifyIn
) -> PersonVerifiedOut:
    """Set a person's verified name and phone, as seen on the document, with how they were
    verified (audited). Only what staff verify changes a person; declarations never do."""
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    person = people.person_verify(
        actor=request.user,
        person=person,
        name=payload.name,
        phone=payload.phone,
        reason=payload.reason,
    )
    return _verified_out(person)


def _verified_out(person: Person) -> PersonVerifiedOut:
    return PersonVerifiedOut(
        id=person.pk,
        doc_masked=person.doc_masked,
        verified_name_masked=mask_name(person.verified_name),
        verified_phone_masked=mask_phone(person.verified_phone) if person.verified_phone else "",
        verified_at=person.verified_at,
    )


@router.get(
    "/divisions/{code}/children",
    auth=None,
    response={200: list[DivisionOut], 404: ErrorOut},
    operation_id="division_children",
)
def division_children(
    request: HttpRequest, response: HttpResponse, code: str
) -> tuple[int, object]:
    """The divisions below ``code`` for the picker (``000000`` for the provinces)."""
    parent = "" if code == "000000" else code
    if parent and division_get(parent) is None:
        message = _("No administrative division has this code.")
        return 404, ErrorOut(code="division_unknown", message=message)
    # The table changes with a release, not during a day: let phones and proxies keep it.
    response["Cache-Control"] = "public, max-age=86400"
    children = selectors.division_picker_children(parent)
    return 200, [DivisionOut(code=d.code, name=d.name, level=d.level) for d in children]
