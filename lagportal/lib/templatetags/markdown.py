"""`{{ text|markdown }}`: Markdown rendered and sanitised by `lagportal.lib.markdown`."""

from django import template

from lagportal.lib.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)
