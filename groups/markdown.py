"""Markdown written by coordinators, rendered to HTML that is safe to show to the public."""

import markdown
import nh3
from django.utils.safestring import mark_safe

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
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # nh3 has removed everything not allowed above
