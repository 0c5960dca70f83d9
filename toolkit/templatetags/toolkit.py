"""`{% load toolkit %}`: a search snippet with its matched words highlighted, safely."""

import re

from django import template
from django.utils.html import format_html, format_html_join

from ..models import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()

_HIGHLIGHTED = re.compile(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_STOP}", re.S)
_MARKERS = re.compile(f"[{HIGHLIGHT_START}{HIGHLIGHT_STOP}]")


@register.filter
def highlighted(snippet):
    """The snippet's text escaped, its matched words (between the markers) in <mark>."""
    pieces, start = [], 0
    for match in _HIGHLIGHTED.finditer(snippet or ""):
        pieces.append(_MARKERS.sub("", snippet[start : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", _MARKERS.sub("", match.group(1))))
        start = match.end()
    pieces.append(_MARKERS.sub("", (snippet or "")[start:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces if piece))
