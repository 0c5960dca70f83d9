from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import LocalActionGroup
from lagportal.lib import places

from .following import RADIUS_KM_MAX, RADIUS_KM_MIN, FollowingError, resolve_species


class FollowForm(forms.Form):
    """What to follow (one species, or every alert-list species) and where (a group's area, or a
    distance around a postcode). The species typed is resolved by the forgiving species search."""

    ONE_SPECIES, ALERT_LIST = "species", "alert_list"
    GROUP, POSTCODE = "group", "postcode"

    what = forms.ChoiceField(
        label=_("What to follow"),
        choices=[(ONE_SPECIES, _("One species")), (ALERT_LIST, _("Every species on the alert list"))],
        initial=ONE_SPECIES,
        widget=forms.RadioSelect,
    )
    species = forms.CharField(
        label=_("Species"),
        required=False,
        max_length=200,
        help_text=_("Its common or scientific name, for example Himalayan balsam or Impatiens glandulifera."),
    )
    area = forms.ChoiceField(
        label=_("Area"),
        choices=[(GROUP, _("A group's area")), (POSTCODE, _("A distance around a postcode"))],
        initial=GROUP,
        widget=forms.RadioSelect,
    )
    group = forms.ModelChoiceField(
        label=_("Group"),
        required=False,
        queryset=LocalActionGroup.objects.none(),
        empty_label=_("Choose a group"),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,
        help_text=_("In England, Scotland or Wales: a full postcode such as CA1 1AA, or just CA1."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}),
    )
    radius_km = forms.IntegerField(
        label=_("Distance (km)"),
        required=False,
        min_value=RADIUS_KM_MIN,
        max_value=RADIUS_KM_MAX,
        initial=10,
        help_text=_("From 1 to 50 km around the postcode."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = LocalActionGroup.objects.active().without_geometry().order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("what") == self.ONE_SPECIES:
            text = (cleaned.get("species") or "").strip()
            if not text:
                self.add_error("species", _("Type the name of the species to follow."))
            elif not self.has_error("species"):
                try:
                    cleaned["species"] = resolve_species(text)
                except FollowingError as error:
                    self.add_error("species", str(error))
        else:
            cleaned["species"] = None

        if cleaned.get("area") == self.GROUP:
            self.errors.pop("radius_km", None)  # the distance is for a postcode only
            if cleaned.get("group") is None and not self.has_error("group"):
                self.add_error("group", _("Choose the group whose area to follow."))
            cleaned.update(postcode="", centre=None, radius_km=None)
        elif cleaned.get("area") == self.POSTCODE:
            cleaned["group"] = None
            if cleaned.get("radius_km") is None and not self.has_error("radius_km"):
                self.add_error("radius_km", _("Choose a distance around the postcode."))
            if not self.has_error("postcode"):
                try:
                    place = places.place_from_postcode(cleaned.get("postcode"))
                except places.PlaceError as error:
                    self.add_error("postcode", str(error))
                else:
                    cleaned["centre"] = place.point
                    cleaned["postcode"] = place.postcode or places.outward_code(cleaned["postcode"])
        return cleaned

    def subscription(self):
        """The keyword arguments of `following.follow` for the valid form."""
        data = self.cleaned_data
        return {name: data.get(name) for name in ("species", "group", "postcode", "centre", "radius_km")}
