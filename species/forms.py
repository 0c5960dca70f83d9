from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import Country, Habitat

# The kingdoms of the shipped checklist, named as people say them; the value is the checklist's.
KINGDOMS = [
    ("Animalia", _("Animals")),
    ("Plantae", _("Plants")),
    ("Fungi", _("Fungi")),
    ("Chromista", _("Chromists (such as water moulds and some algae)")),
    ("Bacteria", _("Bacteria")),
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
        label=_("Search by common or scientific name"),
        required=False,
        max_length=100,
        help_text=_("Spelling need not be exact: “himalayan balsam”, “Impatiens”."),
    )
    environment = forms.ChoiceField(
        label=_("Environment"), required=False, choices=[("", _("Any environment")), *Habitat.choices]
    )
    kingdom = forms.ChoiceField(
        label=_("Kind of organism"), required=False, choices=[("", _("Any")), *KINGDOMS]
    )
    present = forms.ChoiceField(
        label=_("Present in"),
        required=False,
        choices=[("", _("Anywhere in Great Britain")), *Country.choices],
        help_text=_(
            "Species the GB Non-native Species Secretariat gives a status in that country (any status "
            "but absent). Species known only from the GB checklist have no status by country."
        ),
    )
    listed = forms.BooleanField(
        label=_("Listed under the Invasive Alien Species Order"),
        required=False,
        help_text=_("Species of special concern: keeping, selling or releasing them is an offence."),
    )
    alert = forms.BooleanField(label=_("On the alert list"), required=False)

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
