from django import forms
from django.utils.translation import gettext_lazy

from .models import Audience, Category, Status, Tag

MAX_QUERY_LENGTH = 200


class LibraryFilterForm(forms.Form):
    """Narrows a list of published resources by audience and tag (a category's page)."""

    audience = forms.ChoiceField(
        label=gettext_lazy("For"),
        required=False,
        choices=[("", gettext_lazy("Everyone")), *Audience.choices],
    )
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)

    FILTERS = ("audience", "tag")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the tags of published resources: a tag given to drafts alone would tell what is coming.
        published_tags = Tag.objects.filter(resources__status=Status.PUBLISHED).distinct()
        self.fields["tag"].choices = [
            ("", gettext_lazy("Any tag")),
            *published_tags.values_list("slug", "name"),
        ]

    def has_filters(self):
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in self.FILTERS)

    def filtered(self, resources):
        """`resources` narrowed to what the form asks for. A field with a bad value (shown with its
        error) is left out; the others still apply."""
        self.is_valid()
        data = self.cleaned_data
        if audience := data.get("audience"):
            resources = resources.filter(audiences__contains=[audience])
        if tag := data.get("tag"):
            resources = resources.filter(tags__slug=tag)
        return resources


class SearchWordsForm(forms.Form):
    """Words to look for across the library (the search box on the toolkit's home)."""

    q = forms.CharField(
        label=gettext_lazy("Search the toolkit"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=gettext_lazy(
            "Titles, summaries, texts and the words inside PDFs. Use quotes for a phrase: “balsam bashing”."
        ),
    )

    def words(self):
        if not self.is_bound:
            return ""
        self.is_valid()
        return " ".join((self.cleaned_data.get("q") or "").split())


class LibrarySearchForm(SearchWordsForm, LibraryFilterForm):
    """Words to look for, and the category, audience and tag to narrow the library to."""

    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)

    FILTERS = ("category", "audience", "tag")
    field_order = ["q", "category", "audience", "tag"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", gettext_lazy("Every category")),
            *Category.objects.values_list("slug", "name"),
        ]

    def filtered(self, resources):
        resources = super().filtered(resources)
        if category := self.cleaned_data.get("category"):
            resources = resources.filter(category__slug=category)
        if words := self.words():
            resources = resources.search(words)
        return resources
