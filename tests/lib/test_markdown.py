"""Markdown for every app: rendered, sanitised, cached under the sanitiser's policy."""

import hashlib

from django.core.cache import cache
from django.template import Context, Template

from lagportal.lib import markdown as lib_markdown
from lagportal.lib.markdown import render_markdown

HOSTILE = (
    "**Bold** and [a link](https://example.org)\n\n<script>alert(1)</script>"
    '<img src=x onerror="alert(2)"> [bad](javascript:alert(3)) <a href="data:text/html,x">d</a>'
    '\n\n<iframe src="https://example.org"></iframe><style>body{}</style>'
)


def test_markdown_is_rendered_without_scripts_raw_html_or_other_schemes():
    html = render_markdown(HOSTILE)
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    for forbidden in ("<script", "onerror", "<img", "javascript:", "data:", "<iframe", "<style"):
        assert forbidden not in html, forbidden


def test_links_are_marked_nofollow():
    assert 'rel="nofollow noopener"' in render_markdown("[LAG](https://example.org)")


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == "" and render_markdown("  \n") == ""


def test_the_template_filter_renders_the_same_html():
    rendered = Template("{% load markdown %}{{ text|markdown }}").render(Context({"text": HOSTILE}))
    assert rendered == render_markdown(HOSTILE)


def test_the_policy_version_changes_when_the_policy_does(monkeypatch):
    before = lib_markdown._policy_version()
    monkeypatch.setattr(lib_markdown, "ALLOWED_TAGS", lib_markdown.ALLOWED_TAGS - {"a"})
    assert lib_markdown._policy_version() != before


def test_a_rendering_cached_under_another_policy_is_never_served():
    text = "Pull **balsam** before it seeds."
    digest = hashlib.sha256(text.encode()).hexdigest()
    # What an older, looser policy could have left in the cache: the key the renderer used before.
    cache.set(f"markdown:{digest}", "<script>alert(1)</script>")
    cache.set(f"markdown:0ld0ld0ld0ld:{digest}", "<script>alert(1)</script>")

    html = render_markdown(text)

    assert html == "<p>Pull <strong>balsam</strong> before it seeds.</p>"
    assert cache.get(lib_markdown.cache_key(text)) == html
