"""Public pages: the events list and map, an event's page, calendars."""

from django.shortcuts import get_object_or_404, render

from .models import Event


def event_detail(request, pk):
    event = get_object_or_404(Event.objects.public().with_group(), pk=pk)
    return render(request, "volunteering/event_detail.html", {"event": event})
