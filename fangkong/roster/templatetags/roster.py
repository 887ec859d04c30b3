from __future__ import annotations

from django import template

from fangkong.roster.models import shift_label as label_of

register = template.Library()


@register.filter
def shift_label(code: str) -> str:
    return label_of(code)
