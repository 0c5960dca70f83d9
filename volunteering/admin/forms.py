"""The forms of the volunteering admin's own pages: the register, a message to an event's people,
the attendance export, a decision on logged hours, and a work record's area and photos."""

import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django import forms
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import MultiPolygon
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lagportal.lib.gisforms import DrawnGeometryField
from lagportal.lib.images import open_image, stored_copy

from ..models import Audience, Signup, WorkRecord, WorkRecordPhoto

State = Signup.State
# Whose attendance the register marks: the people who held a place (an open offer is not one yet).
ON_THE_REGISTER = (State.CONFIRMED, State.ATTENDED, State.NO_SHOW)

PHOTO_MAX_MEGABYTES = 15
PHOTO_LONGEST_SIDE = 1600
BRITISH_NATIONAL_GRID = 27700


@dataclass
class RegisterRow:
    signup: Signup
    attendance: forms.BoundField
    hours: forms.BoundField


class RegisterForm(forms.Form):
    """One row per person with a place: came or not, and their hours (the event's length unless
    changed). Only the rows that change are marked (`changes`)."""

    def __init__(self, *args, event, signups, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.rows = []
        length = event.length_hours
        for signup in signups:
            name = signup.user.get_full_name() if signup.user else gettext("Former volunteer")
            choices = [("", _("Not marked yet"))] if signup.state == State.CONFIRMED else []
            choices += [(State.ATTENDED, _("Came")), (State.NO_SHOW, _("Did not come"))]
            self.fields[f"attendance_{signup.pk}"] = forms.ChoiceField(
                label=gettext("Did %(name)s come?") % {"name": name},
                choices=choices,
                required=False,
                initial="" if signup.state == State.CONFIRMED else signup.state,
            )
            self.fields[f"hours_{signup.pk}"] = forms.DecimalField(
                label=gettext("Hours given by %(name)s") % {"name": name},
                required=False,
                min_value=0,
                max_value=24,
                max_digits=5,
                decimal_places=2,
                initial=signup.hours if signup.hours is not None else length,
            )
            self.rows.append(RegisterRow(signup, self[f"attendance_{signup.pk}"], self[f"hours_{signup.pk}"]))

    def changes(self):
        """(signup, attended, hours) for each row whose mark or hours differ from what is saved."""
        for row in self.rows:
            signup = row.signup
            mark = self.cleaned_data[f"attendance_{signup.pk}"]
            hours = self.cleaned_data[f"hours_{signup.pk}"]
            if not mark:
                continue
            attended = mark == State.ATTENDED
            if mark == signup.state and (not attended or hours is None or hours == signup.hours):
                continue
            yield signup, attended, hours


class EventMessageForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"), choices=Audience.choices, widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text. The event's details and a link to its page are added below it."),
    )

    def __init__(self, *args, counts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [
            (value, gettext("%(audience)s (%(count)d)") % {"audience": label, "count": counts.get(value, 0)})
            for value, label in Audience.choices
        ]


class AttendanceExportForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None, empty_label=None)
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The period must end on or after the day it starts."))
        return cleaned


class HoursDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the volunteer (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@cache
def _to_british_national_grid():
    # Built once: GDAL rebuilds a transform each time one is asked for (~18 ms).
    return CoordTransform(SpatialReference(4326), SpatialReference(BRITISH_NATIONAL_GRID))


def area_in_square_metres(area):
    """The area of a drawn site (WGS84) in whole m², measured in British National Grid."""
    return round(area.transform(_to_british_national_grid(), clone=True).area)


class DrawnSiteField(DrawnGeometryField):
    """A site drawn as one polygon or several: stored as a MultiPolygon either way."""

    def to_python(self, value):
        geometry = super().to_python(value)
        if geometry is not None and geometry.geom_type == "Polygon":
            geometry = MultiPolygon(geometry, srid=geometry.srid or 4326)
        return geometry


class WorkRecordForm(forms.ModelForm):
    """A work record: when a site is drawn and no area typed, the area is measured from the drawing."""

    class Meta:
        model = WorkRecord
        fields = [
            "event",
            "species",
            "method",
            "area_m2",
            "area",
            "bags",
            "stems",
            "notes",
            "follow_up",
            "follow_up_note",
        ]

    def clean(self):
        cleaned = super().clean()
        area = cleaned.get("area")
        if area is not None and not area.valid:
            self.add_error("area", _("The drawn area crosses itself: draw it again."))
            return cleaned
        if area is None:
            return cleaned
        # Checked whether or not an area is typed: the drawing places the species record.
        measured = area_in_square_metres(area)
        if measured > 100_000_000:
            self.add_error("area", _("The drawn area is larger than 100 km²: draw the site treated."))
        elif cleaned.get("area_m2") is None and "area_m2" not in self.errors:
            cleaned["area_m2"] = measured
        return cleaned


class WorkRecordPhotoForm(forms.ModelForm):
    """A photo of the work, checked to be an image and stored from its pixels only (no EXIF or GPS)."""

    image = forms.FileField(label=_("Photo"))

    class Meta:
        model = WorkRecordPhoto
        fields = ["image", "caption"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = gettext(
            "A JPEG, PNG or WebP photo, up to %(limit)s MB. Its metadata (camera, place) is removed."
        ) % {"limit": PHOTO_MAX_MEGABYTES}

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if not isinstance(upload, UploadedFile):
            return upload  # the photo already stored, unchanged
        picture = open_image(upload, max_megabytes=PHOTO_MAX_MEGABYTES)
        stem = slugify(Path(upload.name).stem)[:40] or "photo"
        name = f"{timezone.now():%Y%m%d}-{stem}-{uuid.uuid4().hex[:8]}"
        return stored_copy(picture, name=name, longest_side=PHOTO_LONGEST_SIDE)
