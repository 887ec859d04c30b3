from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from fangkong.core.names import person_label, person_name
from fangkong.lib.mask import mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value) if value else ""


# The menu's places; on a page under two of them (/sites/map/ is under /sites/), the longer wins.
NAV_PLACES = (
    "command:dashboard",
    "command:reports",
    "sites:map",
    "sites:list",
    "screening:officer",
    "screening:policy",
    "passes:list",
    "roster:list",
    "roster:me",
    "org:units",
    "supplies:overview",
    "keypersons:summary",
    "intel:lists",
    "duty:leader",
)


def _place_of(path: str) -> str:
    urls = [reverse(name) for name in NAV_PLACES]
    matching = [url for url in urls if path.startswith(url)]
    return max(matching, key=len) if matching else ""


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, name: str, label: str, *prefixes: str) -> str:
    """A main-menu entry, marked as the current page when the page is in its place (under its
    URL, or one of ``prefixes``): each place has one entry, lit wherever one is inside it."""
    url = reverse(name)
    request = context.get("request")
    path = request.path if request is not None else ""
    current = _place_of(path) == url or any(path.startswith(p) for p in prefixes)
    return format_html(
        '<a href="{}"{}>{}</a>', url, mark_safe(' aria-current="page"') if current else "", label
    )


@register.filter(name="person_name")
def person_name_filter(user: object) -> str:
    """A user by name, family name first (see ``fangkong.core.names.person_name``)."""
    return person_name(user)


@register.filter(name="person_label")
def person_label_filter(user: object) -> str:
    """A user who acted, by name and badge number (see ``fangkong.core.names.person_label``)."""
    return person_label(user)
