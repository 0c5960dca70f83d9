import re
from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import Country, Habitat
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
    nothing matches. `text` is a common or scientific name, the picker's label, or a species' slug;
    `choice` is a slug picked from the candidates shown last time."""
    text = " ".join(text.split())
    candidates = list(
        Species.objects.search(text).only("slug", "scientific_name", "common_name")[:MAX_SPECIES_CANDIDATES]
    )
    if choice and (chosen := next((each for each in candidates if each.slug == choice), None)):
        return chosen, []
    exact = Species.objects.filter(
        Q(scientific_name__iexact=text)
        | Q(common_name__iexact=text)
        | Q(other_names__name__iexact=text)
        | Q(slug=text)
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


class SightingDetailsForm(forms.Form):
    """What was seen, when and where: the checks and messages every way of reporting shares (the
    website's form below, and the API's form after it)."""

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
    name_may_be_shared = forms.BooleanField(
        label=gettext_lazy("You may name me as the recorder when the record is shared as open data"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.species_candidates = []
        self.location = None

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
            self.add_error("species", self.ambiguous_species_error(text, candidates))
            return
        cleaned["species"] = species

    def _clean_location(self, cleaned):
        grid_reference = cleaned.get("grid_reference", "").strip()
        postcode = cleaned.get("postcode", "").strip()
        latitude, longitude = cleaned.get("latitude", "").strip(), cleaned.get("longitude", "").strip()
        if grid_reference:
            field, find = "grid_reference", lambda: locations.from_grid_reference(grid_reference)
        elif latitude or longitude:
            field, find = "latitude", lambda: self.location_from_coordinates(latitude, longitude, cleaned)
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

    def ambiguous_species_error(self, text, candidates):
        return forms.ValidationError(
            _("Several species match “%(text)s”: choose one below.") % {"text": text}, code="ambiguous"
        )

    def location_from_coordinates(self, latitude, longitude, cleaned):
        """The Location of a map click or of the device's position; raise ValidationError if unusable."""
        if cleaned.get("location_source") == LocationSource.DEVICE:
            return locations.from_device(latitude, longitude, cleaned.get("device_accuracy"))
        return locations.from_map_click(latitude, longitude, cleaned.get("map_zoom"))

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

    def details(self):
        """What was seen, when and where, as keyword arguments of services.report_sighting, for this
        valid form."""
        data = self.cleaned_data
        return {
            "species": data["species"],
            "species_description": data["species_description"].strip(),
            "seen_on": data["seen_on"],
            "location": self.location,
            "count_or_extent": data["count_or_extent"].strip(),
            "habitat_notes": data["habitat_notes"].strip(),
            "name_may_be_shared": data["name_may_be_shared"],
        }


class SightingReportForm(SightingDetailsForm):
    """The website's report form: the details, photos, and who is reporting."""

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

    # The consent to be named comes last, after the name.
    field_order = [
        *(name for name in SightingDetailsForm.base_fields if name != "name_may_be_shared"),
        "photos",
        "recorder_name",
        "recorder_email",
        "name_may_be_shared",
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            # Tied to the account: the receipt goes to the address the person signs in with.
            self.fields["recorder_email"].disabled = True
            self.fields["recorder_email"].help_text = _("Your account's address. Change it under My account.")
            self.fields["recorder_email"].initial = self.user.email
            self.fields["recorder_name"].initial = self.user.full_name

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

    def report(self):
        """The keyword arguments of services.report_sighting for this valid form."""
        data = self.cleaned_data
        return {
            **self.details(),
            "photos": data["photos"],
            "recorder": self.user,
            "recorder_name": data["recorder_name"].strip(),
            "recorder_email": self.user.email if self.user else data["recorder_email"],
        }


class ApiSightingForm(SightingDetailsForm):
    """A sighting as an app sends it through the API (species.api): the form's checks and messages,
    with what an app does differently. Its latitude and longitude are the device's position and come
    with their uncertainty in metres, and a vague species name is answered with the slugs to choose
    from, as an app has no list of candidates to show."""

    def ambiguous_species_error(self, text, candidates):
        return forms.ValidationError(
            _("Several species match “%(text)s”: send the slug of the one you mean, one of %(slugs)s.")
            % {"text": text, "slugs": ", ".join(candidate.slug for candidate in candidates)},
            code="ambiguous",
        )

    def location_from_coordinates(self, latitude, longitude, cleaned):
        if not cleaned.get("device_accuracy"):
            raise forms.ValidationError(
                _("Give the uncertainty in metres with the latitude and longitude."), code="required"
            )
        return locations.from_device(latitude, longitude, cleaned["device_accuracy"])


# --- The species directory's search and filters -------------------------------------------------
# The kingdoms of the shipped checklist, named as people say them; the value is the checklist's.
KINGDOMS = [
    ("Animalia", gettext_lazy("Animals")),
    ("Plantae", gettext_lazy("Plants")),
    ("Fungi", gettext_lazy("Fungi")),
    ("Chromista", gettext_lazy("Chromists (such as water moulds and some algae)")),
    ("Bacteria", gettext_lazy("Bacteria")),
]
COUNTRY_STATUS_FIELDS = {
    Country.ENGLAND: "status_england",
    Country.SCOTLAND: "status_scotland",
    Country.WALES: "status_wales",
}
ABSENT = "absent"


def present_in(country):
    """A Q of the species present in `country`: the Secretariat gives them a status there (any
    status but "Absent"). Species known only from the GB-wide checklist have no status by country."""
    status = COUNTRY_STATUS_FIELDS[country]
    return ~Q(**{status: ""}) & ~Q(**{f"{status}__iexact": ABSENT})


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search by common or scientific name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Spelling need not be exact: “himalayan balsam”, “Impatiens”."),
    )
    environment = forms.ChoiceField(
        label=gettext_lazy("Environment"),
        required=False,
        choices=[("", gettext_lazy("Any environment")), *Habitat.choices],
    )
    kingdom = forms.ChoiceField(
        label=gettext_lazy("Kind of organism"), required=False, choices=[("", gettext_lazy("Any")), *KINGDOMS]
    )
    present = forms.ChoiceField(
        label=gettext_lazy("Present in"),
        required=False,
        choices=[("", gettext_lazy("Anywhere in Great Britain")), *Country.choices],
        help_text=gettext_lazy(
            "Species the GB Non-native Species Secretariat gives a status in that country (any status "
            "but absent). Species known only from the GB checklist have no status by country."
        ),
    )
    listed = forms.BooleanField(
        label=gettext_lazy("Listed under the Invasive Alien Species Order"),
        required=False,
        help_text=gettext_lazy(
            "Species of special concern: keeping, selling or releasing them is an offence."
        ),
    )
    alert = forms.BooleanField(label=gettext_lazy("On the alert list"), required=False)

    FILTERS = ("environment", "kingdom", "present", "listed", "alert")

    def has_filters(self):
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in ("q", *self.FILTERS))

    def filtered(self, species):
        """`species` narrowed to what the form asks for, best match first when there are words. A
        field with a bad value (shown with its error) is left out; the others still apply."""
        self.is_valid()
        data = self.cleaned_data
        if environment := data.get("environment"):
            species = species.filter(environments__contains=[environment])
        if kingdom := data.get("kingdom"):
            species = species.filter(kingdom=kingdom)
        if country := data.get("present"):
            species = species.filter(present_in(country))
        if data.get("listed"):
            species = species.listed()
        if data.get("alert"):
            species = species.on_alert_list()
        return species.search(data.get("q") or "")
