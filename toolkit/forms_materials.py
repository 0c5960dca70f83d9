"""The forms of the secretariat's services to groups: a request for printed materials, and
subscribing to the NNSS mailing list."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .materials import groups_that_may_ask
from .models import MaterialItem


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, group):
        return group.name


class MaterialsRequestForm(forms.Form):
    """A request for the materials on offer: one quantity field per item (`item_<id>`), 0 for none.
    The groups offered are the ones the person coordinates; any other is an invalid choice."""

    group = GroupChoiceField(label=_("For the group"), queryset=None, empty_label=None)
    event_name = forms.CharField(
        label=_("Event"),
        max_length=200,
        help_text=_("What the materials are for, e.g. “Balsam bash at Low Bridge” or “Village show stall”."),
    )
    event_date = forms.DateField(
        label=_("Date of the event"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    address = forms.CharField(
        label=_("Delivery address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        help_text=_("The name and postal address to send them to, with the postcode."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional: anything the Secretariat should know, such as when someone is in to take a parcel."
        ),
    )

    def __init__(self, *args, user, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["group"].queryset = groups_that_may_ask(user).order_by("name")
        for item in self.items:
            most = min(item.most_per_request, item.quantity_available)
            self.fields[self.field_name(item)] = forms.IntegerField(
                label=item.name,
                min_value=0,
                max_value=most,
                initial=0,
                required=False,
                disabled=most == 0,
                help_text=_("Up to %(most)d.") % {"most": most} if most else _("Out of stock."),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    @staticmethod
    def field_name(item):
        return f"item_{item.pk}"

    def item_rows(self):
        """[(item, its quantity field)] in the order offered."""
        return [(item, self[self.field_name(item)]) for item in self.items]

    def clean_event_date(self):
        date = self.cleaned_data["event_date"]
        if date < timezone.localdate():
            raise forms.ValidationError(_("The event has happened already: give a date from today on."))
        return date

    def clean(self):
        cleaned = super().clean()
        if self.items and not self.errors and not any(self.quantities().values()):
            raise forms.ValidationError(_("Ask for at least one of the materials: every quantity is 0."))
        return cleaned

    def quantities(self):
        """{item: how many} from the cleaned quantity fields (0 when left empty)."""
        return {item: self.cleaned_data.get(self.field_name(item)) or 0 for item in self.items}


def offered_items():
    return MaterialItem.objects.filter(is_active=True).order_by("name")


class SubscribeForm(forms.Form):
    """An address for the NNSS mailing list. `website` is a trap: people never see it."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We email you a link to confirm. Nothing is sent to the list until you do."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_trapped(self):
        """True when the hidden field was filled in: a robot, answered as if it had subscribed."""
        return bool(self.cleaned_data.get("website"))
