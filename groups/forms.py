from django import forms
from django.utils.translation import gettext_lazy as _

from lagportal.lib import places

from .models import Country, Habitat
from .services import CONTACT_CONSENT_TEXT


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search groups"), required=False, max_length=100)
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("All countries")), *Country.choices]
    )
    habitat = forms.ChoiceField(
        label=_("Habitat"), required=False, choices=[("", _("All habitats")), *Habitat.choices]
    )


class FinderForm(forms.Form):
    """A postcode, or a latitude and longitude (from a click on the map or the browser's location)."""

    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,
        help_text=_("A full postcode such as CA1 1AA, or just the first part, such as CA1."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}),
    )
    lat = forms.CharField(required=False)
    lon = forms.CharField(required=False)

    def is_empty(self):
        return not any(self.data.get(name) for name in ("postcode", "lat", "lon"))

    def clean(self):
        cleaned = super().clean()
        if self.has_error("postcode"):
            return cleaned
        try:
            cleaned["place"] = places.place_from(
                cleaned.get("postcode"), cleaned.get("lat"), cleaned.get("lon")
            )
        except places.PlaceError as error:
            self.add_error("postcode", str(error))
        return cleaned


class JoinForm(forms.Form):
    contact_consent = forms.BooleanField(
        label=CONTACT_CONSENT_TEXT,
        required=False,
        help_text=_("Optional. Without it the coordinators only see that you are a member."),
    )
