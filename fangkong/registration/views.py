"""Public pages (the form and the pass, no login, a few kilobytes each) and the staff-only
QR codes and posters that lead citizens to the form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_safe

from fangkong.core.errorpages import error_response
from fangkong.core.text import text_errors
from fangkong.lib.divisions import division_path
from fangkong.org.models import Unit
from fangkong.org.selectors import unit_get_for_user
from fangkong.registration import forms, posters, ratelimit, selectors, services
from fangkong.registration.choices import RegistrationKind
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site
from fangkong.sites.selectors import site_get_for_user, site_list_for_user


def _unavailable(request: HttpRequest, *, status: int, site: Site | None = None) -> HttpResponse:
    return render(request, "registration/unavailable.html", {"site": site}, status=status)


def _doors(site: Site, kind: str) -> list[tuple[str, str]]:
    """The doors a floating-population form offers: those of the gate's community."""
    if kind != RegistrationKind.FLOATING:
        return []
    from fangkong.grid.floating import site_doors  # grid builds on registration

    return site_doors(site)


def _render_form(
    request: HttpRequest,
    site: Site,
    kind: str,
    *,
    data: dict[str, Any],
    submission_key: str,
    errors: dict[str, str],
    counts: dict[str, int],
    limited: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "site": site,
        "kind": kind,
        "title": forms.KIND_TITLES[kind],
        "sections": forms.form_sections(kind, data, errors, counts, doors=_doors(site, kind)),
        "errors": errors,
        "limited": limited,
        "submission_key": submission_key,
        "retention_days": settings.RETENTION_DAYS,
        "picker": {
            "p": [[d.code, d.name] for d in selectors.division_picker_children("")],
            "l": [_("Province"), _("City / prefecture"), _("County / district")],
        },
    }
    response = render(request, "registration/form.html", context, status=status)
    # A page from the back button would carry the last form's key and silently return the
    # old pass for edited details: always fetch a fresh form.
    response["Cache-Control"] = "no-store"
    return response


@gzip_page
@require_http_methods(["GET", "HEAD", "POST"])
def registration_form(request: HttpRequest, site_code: str, kind: str) -> HttpResponse:
    try:
        site = selectors.site_for_registration(code=site_code, kind=kind)
    except Site.DoesNotExist:
        return _unavailable(request, status=404)
    except selectors.SiteNotTakingRegistrations as exc:
        return _unavailable(request, status=410, site=exc.site)
    if request.method == "POST" and _too_big(request):
        message = _("The form sent is too large. Go back, check the entries and send it again.")
        return error_response(request, status=413, code="too_large", message=message)
    if request.method != "POST":
        return _render_form(
            request,
            site,
            kind,
            data={},
            submission_key=services.new_submission_key(),
            errors={},
            counts=forms.initial_counts(),
        )
    return _submit(request, site, kind)


def _too_big(request: HttpRequest) -> bool:
    """A citizen's form is a few kilobytes; anything near the limit is not one."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > forms.MAX_BODY_BYTES


def _submit(request: HttpRequest, site: Site, kind: str) -> HttpResponse:
    counts = forms.row_counts(request.POST)
    data = forms.data_from_post(request.POST, counts)
    key = request.POST.get("submission_key", "")
    add = request.POST.get("add")
    if add in counts:
        counts[add] = min(counts[add] + 1, forms.ROW_LIMITS[add])
        return _render_form(
            request, site, kind, data=data, submission_key=key, errors={}, counts=counts
        )
    if control := text_errors(data):
        return _render_form(
            request, site, kind, data=data, submission_key=key, errors=control, counts=counts
        )
    verdict = ratelimit.registration_hit(request, site_id=site.pk, phone=data["phone"])
    if verdict.limited:
        # The citizen gets the form back as typed, with the same key: submitting it again
        # after the wait cannot make a second registration.
        response = _render_form(
            request,
            site,
            kind,
            data=data,
            submission_key=key,
            errors={},
            counts=counts,
            limited=ratelimit.limited_message(verdict),
            status=429,
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        registration = services.registration_create(
            site=site, kind=kind, submission_key=key, data=data
        )
    except ValidationError as exc:
        errors = forms.error_messages(exc)
        if "submission_key" in errors:
            key = services.new_submission_key()
        return _render_form(
            request, site, kind, data=data, submission_key=key, errors=errors, counts=counts
        )
    url = posters.pass_path(registration.pass_token)
    return HttpResponseRedirect(url, status=303)


@gzip_page
@require_safe
def registration_pass(request: HttpRequest, token: str) -> HttpResponse:
    registrations = selectors.registration_pass_get(token=token)
    if not registrations:
        return _unavailable(request, status=404)
    lead = registrations[0]
    valid = lead.valid_until > timezone.now()
    group = lead.group
    context = {
        "lead": lead,
        "registrations": registrations,
        "group": group,
        "origin": " ".join(division_path(group.origin_division)) if group else "",
        "valid": valid,
        "qr": posters.qr_svg(lead.pass_token) if valid else "",
        "title": forms.KIND_TITLES[lead.kind],
    }
    response = render(request, "registration/pass.html", context, status=200 if valid else 410)
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _scoped_site(request: HttpRequest, site_id: int, kind: str) -> Site:
    try:
        site = site_get_for_user(user=request.user, site_id=site_id)
    except Site.DoesNotExist:
        raise Http404 from None
    if not selectors.site_accepts(site, kind):
        raise Http404
    return site


def _base(request: HttpRequest) -> str:
    return posters.public_base(request.build_absolute_uri("/"))


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_safe
def site_qr(request: HttpRequest, site_id: int, kind: str) -> HttpResponse:
    """The QR code of a site's public form, as SVG, for the site pages to show or print."""
    site = _scoped_site(request, site_id, kind)
    svg = posters.qr_svg(posters.form_url(site, kind, base=_base(request)))
    svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
@require_safe
def site_poster(request: HttpRequest, site_id: int, kind: str) -> HttpResponse:
    site = _scoped_site(request, site_id, kind)
    return _pdf(posters.posters_pdf([(site, kind)], base=_base(request)), f"{site.code}-{kind}.pdf")


@login_required
@require_safe
def unit_posters(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Every open or suspended site of the unit's subtree, one page per form it offers."""
    try:
        unit = unit_get_for_user(user=request.user, unit_id=unit_id)
    except Unit.DoesNotExist:
        raise Http404 from None
    sites = site_list_for_user(user=request.user, unit_id=unit.pk).exclude(status=SiteStatus.CLOSED)
    pages = [(site, kind) for site in sites for kind in selectors.site_accepted_kinds(site)]
    if not pages:
        raise Http404
    return _pdf(posters.posters_pdf(pages, base=_base(request)), f"posters-{unit.code}.pdf")
