"""Markdown written by coordinators, rendered to HTML that is safe to show to the public."""

import hashlib

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import mark_safe

# Rendering takes a few milliseconds a text; the same text always renders the same, so the
# result is kept in the cache under a hash of the text (a changed text is a new key).
CACHE_SECONDS = 7 * 24 * 3600

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text):
    """Return sanitised HTML for `text`: no raw HTML, scripts, images or styles survive."""
    text = text or ""
    key = "markdown:" + hashlib.sha256(text.encode()).hexdigest()
    return mark_safe(cache.get_or_set(key, lambda: _clean_html(text), CACHE_SECONDS))  # nh3-cleaned


def _clean_html(text):
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    # nh3 removes everything not allowed here: raw HTML, scripts, images, styles, other schemes.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
