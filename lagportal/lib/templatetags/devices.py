from django import template

from ..useragents import device_name as _device_name

register = template.Library()


@register.filter
def device_name(user_agent):
    """{{ session.user_agent|device_name }} → "Chrome on Android"."""
    return _device_name(user_agent)
