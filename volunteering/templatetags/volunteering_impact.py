"""`{% load volunteering_impact %}`: what volunteering achieved, for a group's page (the groups app
imports nothing of this one) and for a past event's page."""

from django import template

from .. import impact

register = template.Library()


@register.inclusion_tag("volunteering/_achievements.html")
def group_achievements(group, heading="2"):
    """`group`'s totals, all time and per year (impact.cached_group_summary: one small query while
    they are unchanged, else group_summary's one or two more)."""
    totals, years = impact.cached_group_summary(group)
    return {"totals": totals, "years": years, "heading": heading}


@register.inclusion_tag("volunteering/_achievements.html")
def event_achievements(event, heading="2"):
    """What `event` achieved (one query)."""
    return {"totals": impact.event_totals(event), "is_event": True, "heading": heading}
