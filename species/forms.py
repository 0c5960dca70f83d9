import re
from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lagportal.lib import images

from . import gridref, locations
from .models import LocationSource, Species
from .services import MAX_PHOTOS

MAX_PHOTO_MEGABYTES = 10
EARLIEST_DATE = date(1900, 1, 1)
MAX_SPECIES_CANDIDATES = 8
# "Himalayan balsam (Impatiens glandulifera)": how the picker's suggestions name a species.
_LABEL = re.compile(r"(?P<common>.+?)\s*\((?P<scientific>[^()]+)\)")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none were chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(each, initial) for each in files]


def resolve_species(text, choice=""):
    """(the Species `text` names, the candidates when it names several); raise ValidationError when
    nothing matches. `choice` is a slug picked from the candidates shown last time."""
    text = " ".join(text.split())
    candidates = list(
        Species.objects.search(text).only("slug", "scientific_name", "common_name")[:MAX_SPECIES_CANDIDATES]
    )
    if choice and (chosen := next((each for each in candidates if each.slug == choice), None)):
        return chosen, []
    exact = Species.objects.filter(
        Q(scientific_name__iexact=text) | Q(common_name__iexact=text) | Q(other_names__name__iexact=text)
    )
    if match := _LABEL.fullmatch(text):
        exact = exact | Species.objects.filter(scientific_name__iexact=match["scientific"].strip())
    exact = list(exact.distinct()[:2])
    if len(exact) == 1:
        return exact[0], []
    if len(candidates) == 1:
        return candidates[0], []
    if not candidates:
        raise forms.ValidationError(
            _(
                "No species matches “%(text)s”. Check the spelling or choose one of the suggestions; "
                "if you are not sure what it is, leave this empty and describe what you saw."
            )
            % {"text": text},
            code="no_match",
        )
    return None, candidates


class SightingReportForm(forms.Form):
    species = forms.CharField(
        label=gettext_lazy("Species"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Its common or scientific name: suggestions appear as you type."),
    )
    # A slug chosen among the species a vague name matched (rendered as radio buttons then).
    species_choice = forms.CharField(required=False, max_length=200)
    species_description = forms.CharField(
        label=gettext_lazy("Not sure of the species? Describe what you saw"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Its size, colours, leaves or flowers, and anything else you noticed."),
    )
    seen_on = forms.DateField(
        label=gettext_lazy("Date seen"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("For example 27/03/2026."),
    )
    grid_reference = forms.CharField(
        label=gettext_lazy("Ordnance Survey grid reference"),
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "Any precision, from SD46 to SD 45678 90123. It wins over the map and the postcode."
        ),
    )
    postcode = forms.CharField(
        label=gettext_lazy("Or, if you have nothing better, a postcode"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("A full postcode (CA1 1AA) or its first half (CA1): the least precise way."),
    )
    # Set by the map and the "use my location" button (static/js/report.js).
    latitude = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    location_source = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    map_zoom = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    device_accuracy = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    count_or_extent = forms.CharField(
        label=gettext_lazy("How many, or how much"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example: 3 plants, a 10 m stretch of bank, about 50 m²."),
    )
    habitat_notes = forms.CharField(
        label=gettext_lazy("Where it was growing or living"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: riverbank, woodland edge, garden pond, roadside verge."),
    )
    photos = MultiplePhotoField(
        label=gettext_lazy("Photos (up to 3)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=gettext_lazy(
            "JPEG, PNG or WebP, up to 10 MB each. The place and camera details inside a photo are removed."
        ),
    )
    recorder_name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    recorder_email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        help_text=gettext_lazy("For your receipt, and if a verifier has a question. Never shown publicly."),
    )
    name_may_be_shared = forms.BooleanField(
        label=gettext_lazy("You may name me as the recorder when the record is shared as open data"),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.species_candidates = []
        self.location = None
        if self.user is not None:
            # Tied to the account: the receipt goes to the address the person signs in with.
            self.fields["recorder_email"].disabled = True
            self.fields["recorder_email"].help_text = _("Your account's address. Change it under My account.")
            self.fields["recorder_email"].initial = self.user.email
            self.fields["recorder_name"].initial = self.user.full_name

    def clean_seen_on(self):
        seen_on = self.cleaned_data["seen_on"]
        today = timezone.localdate()
        if seen_on > today:
            raise forms.ValidationError(
                _("The date seen can't be in the future: today is %(today)s.")
                % {"today": today.strftime("%d/%m/%Y")},
                code="future",
            )
        if seen_on < EARLIEST_DATE:
            raise forms.ValidationError(
                _("Check the year: %(date)s is before 1900. This form is for sightings made since then.")
                % {"date": seen_on.strftime("%d/%m/%Y")},
                code="too_old",
            )
        return seen_on

    def clean_photos(self):
        uploads = self.cleaned_data["photos"]
        if len(uploads) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Send at most %(limit)s photos: you chose %(count)s.")
                % {"limit": MAX_PHOTOS, "count": len(uploads)},
                code="too_many",
            )
        decoded, problems = [], []
        for upload in uploads:
            try:
                decoded.append(images.open_image(upload, max_megabytes=MAX_PHOTO_MEGABYTES))
            except forms.ValidationError as error:
                for message in error.messages:
                    problems.append(_("“%(name)s”: %(problem)s") % {"name": upload.name, "problem": message})
        if problems:
            raise forms.ValidationError(problems)
        return decoded

    def clean(self):
        cleaned = super().clean()
        self._clean_species(cleaned)
        self._clean_location(cleaned)
        return cleaned

    def _clean_species(self, cleaned):
        text = cleaned.get("species", "").strip()
        cleaned["species"] = None
        if not text:
            if (
                not cleaned.get("species_description", "").strip()
                and "species_description" not in self.errors
            ):
                self.add_error(
                    "species",
                    forms.ValidationError(
                        _("Name the species, or describe what you saw if you are not sure what it is."),
                        code="required",
                    ),
                )
            return
        try:
            species, candidates = resolve_species(text, cleaned.get("species_choice", ""))
        except forms.ValidationError as error:
            self.add_error("species", error)
            return
        if species is None:
            self.species_candidates = candidates
            self.add_error(
                "species",
                forms.ValidationError(
                    _("Several species match “%(text)s”: choose one below.") % {"text": text},
                    code="ambiguous",
                ),
            )
            return
        cleaned["species"] = species

    def _clean_location(self, cleaned):
        grid_reference = cleaned.get("grid_reference", "").strip()
        postcode = cleaned.get("postcode", "").strip()
        latitude, longitude = cleaned.get("latitude", "").strip(), cleaned.get("longitude", "").strip()
        source = cleaned.get("location_source", "")
        if grid_reference:
            field, find = "grid_reference", lambda: locations.from_grid_reference(grid_reference)
        elif latitude or longitude:
            field = "latitude"
            if source == LocationSource.DEVICE:
                find = lambda: locations.from_device(latitude, longitude, cleaned.get("device_accuracy"))  # noqa: E731
            else:
                find = lambda: locations.from_map_click(latitude, longitude, cleaned.get("map_zoom"))  # noqa: E731
        elif postcode:
            field, find = "postcode", lambda: locations.from_postcode(postcode)
        else:
            self.add_error(
                "latitude",
                forms.ValidationError(
                    _(
                        "Tell us where you saw it: click the place on the map, use your device's location, "
                        "or give a grid reference or a postcode."
                    ),
                    code="required",
                ),
            )
            return
        try:
            self.location = find()
        except forms.ValidationError as error:
            self.add_error(field, error)

    @property
    def chosen_place(self):
        """The place the map or the device gave, as a grid reference as precise as it is known."""
        location = self.location
        if location is None or location.source not in (LocationSource.MAP, LocationSource.DEVICE):
            return None
        size = gridref.size_for_uncertainty(location.uncertainty_m)
        return {
            "reference": gridref.describe(location.point, size=size),
            "uncertainty_m": location.uncertainty_m,
        }

    def report(self):
        """The keyword arguments of services.report_sighting for this valid form."""
        data = self.cleaned_data
        return {
            "species": data["species"],
            "species_description": data["species_description"].strip(),
            "seen_on": data["seen_on"],
            "location": self.location,
            "count_or_extent": data["count_or_extent"].strip(),
            "habitat_notes": data["habitat_notes"].strip(),
            "photos": data["photos"],
            "recorder": self.user,
            "recorder_name": data["recorder_name"].strip(),
            "recorder_email": self.user.email if self.user else data["recorder_email"],
            "name_may_be_shared": data["name_may_be_shared"],
        }
