"""The public events list's filter: group, kind, dates, and near a postcode or a place.

The form only reads and checks what was asked; `filter_events` applies what it cleaned to a
queryset. A value that is not valid is an error next to its field, and the list is filtered by the
fields that were valid (never a 500).
"""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models import LocalActionGroup
from lagportal.lib import places

from .models import EventKind

NATIONAL = "national"
DISTANCES_KM = (5, 10, 25, 50)
DEFAULT_DISTANCE_KM = 25
# Dates outside these years are typing mistakes; beyond them a date could not be turned into a time.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class EventFilterForm(forms.Form):
    group = forms.ChoiceField(label=_("Organised by"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of event"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 2026-06-14."),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 2026-07-31."),
    )
    postcode = forms.CharField(
        label=_("Near a postcode"),
        required=False,
        max_length=10,
        help_text=_("A full postcode such as CA1 1AA, or just the first part, such as CA1."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}),
    )
    distance = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        coerce=int,
        empty_value=DEFAULT_DISTANCE_KM,
        choices=lambda: [(km, gettext("%(km)s km") % {"km": km}) for km in DISTANCES_KM],
    )
    # Filled by "Use my location" (static/js/maps.js): a place without a postcode.
    lat = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = LocalActionGroup.objects.active().order_by("name").values_list("slug", "name")
        self.fields["group"].choices = [
            ("", _("Any group, and national events")),
            (NATIONAL, _("National events (NNSS)")),
            *groups,
        ]
        for field in self.fields.values():
            if not field.widget.is_hidden:
                is_select = isinstance(field.widget, forms.Select)
                field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def clean_date_from(self):
        return self._within_years(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return self._within_years(self.cleaned_data.get("date_to"))

    @staticmethod
    def _within_years(value):
        if value is not None and not (EARLIEST <= value <= LATEST):
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the dates must not be before their start."))
        has_place = any((self.data.get(name) or "").strip() for name in ("postcode", "lat", "lon"))
        if has_place and not self.has_error("postcode"):
            try:
                cleaned["place"] = places.place_from(
                    cleaned.get("postcode"), cleaned.get("lat"), cleaned.get("lon")
                )
            except places.PlaceError as error:
                self.add_error("postcode", str(error))
        return cleaned

    def valid_data(self):
        """What was asked and is valid: the form's cleaned data without the fields in error."""
        self.is_valid()
        for name in self.errors:
            if name in self.fields:  # the error is read out with the field (ids as Django makes them)
                help_id = f" {self[name].auto_id}_helptext" if self.fields[name].help_text else ""
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error{help_id}"
        return {name: value for name, value in self.cleaned_data.items() if not self.has_error(name)}


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_events(events, asked):
    """`events` narrowed to what `asked` (EventFilterForm.valid_data()) holds; near a place, the
    nearest first, each with its `distance` from it."""
    group = asked.get("group")
    if group == NATIONAL:
        events = events.national()
    elif group:
        events = events.filter(group__slug=group)
    if asked.get("kind"):
        events = events.filter(kind=asked["kind"])
    if asked.get("date_from"):
        events = events.filter(ends_at__gte=_start_of(asked["date_from"]))
    if asked.get("date_to"):
        events = events.filter(starts_at__lt=_start_of(asked["date_to"] + timedelta(days=1)))
    if place := asked.get("place"):
        events = events.near(place.point, asked.get("distance") or DEFAULT_DISTANCE_KM)
    return events
