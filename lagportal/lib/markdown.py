"""Markdown written by coordinators and staff, rendered to HTML that is safe to show to the public.

Every app renders Markdown through `render_markdown` (or the `markdown` template filter in
`{% load markdown %}`), so one sanitising policy holds everywhere.
"""

import hashlib

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import mark_safe

# Rendering takes a few milliseconds a text; the same text under the same policy always renders the
# same, so the result is kept in the cache under a hash of both (a changed text is a new key).
CACHE_SECONDS = 7 * 24 * 3600

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"})}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
EXTENSIONS = ("sane_lists",)


def _policy_version():
    """A short hash of everything that decides the output: change the policy (or upgrade the
    libraries) and every cached rendering is stale at once, with nothing to remember to bump."""
    policy = repr(
        (
            sorted(ALLOWED_TAGS),
            sorted((tag, sorted(attributes)) for tag, attributes in ALLOWED_ATTRIBUTES.items()),
            sorted(URL_SCHEMES),
            LINK_REL,
            EXTENSIONS,
            markdown.__version__,
            getattr(nh3, "__version__", ""),
        )
    )
    return hashlib.sha256(policy.encode()).hexdigest()[:12]


POLICY_VERSION = _policy_version()


def cache_key(text):
    return f"markdown:{POLICY_VERSION}:{hashlib.sha256(text.encode()).hexdigest()}"


def render_markdown(text):
    """Return sanitised HTML for `text`: no raw HTML, scripts, images or styles survive."""
    text = text or ""
    if not text.strip():
        return mark_safe("")
    return mark_safe(
        cache.get_or_set(cache_key(text), lambda: clean_html(text), CACHE_SECONDS)
    )  # nh3-cleaned


def clean_html(text):
    """Render `text` as Markdown and keep only what the policy allows (uncached)."""
    html = markdown.markdown(text, extensions=list(EXTENSIONS), output_format="html")
    # nh3 removes everything not allowed here: raw HTML, scripts, images, styles, other schemes.
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attributes) for tag, attributes in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    )
