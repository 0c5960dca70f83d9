"""A group's upcoming events, for its page in the groups app (which imports nothing of this one)."""

from django import template

from ..models import Event

register = template.Library()

EVENTS_ON_GROUP_PAGE = 5


@register.inclusion_tag("volunteering/_event_group_section.html")
def upcoming_events_of(group):
    """The next published events of `group` (one query), for its page's "Events" section."""
    events = (
        Event.objects.published()
        .upcoming()
        .filter(group=group)
        .only(
            "title", "kind", "starts_at", "ends_at", "places", "places_taken", "status", "meeting_point_note"
        )
    )
    return {"group": group, "events": list(events[:EVENTS_ON_GROUP_PAGE])}
