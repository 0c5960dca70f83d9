"""The coordinators' workspace (the Django admin), as every app's admin shares it.

- The home page says what needs doing: each app contributes sections with `@home_section(order)`,
  a function of the request that returns a `Section` (or None when it has nothing to say to that
  person). Each section runs a fixed number of queries, however many groups or rows there are.
- Workflow steps are buttons on an object's own page (`WorkflowStepsMixin`): each a POST to an
  admin URL of that ModelAdmin, checked with the same permission and scoping as the object's page.
- Forms read well with a screen reader and say how to format text (`AccessibleAdminMixin`,
  `LabelledInlineMixin`, `MarkdownTextarea`).
- A filter typed into a list's address that the database cannot take is Django's "incorrect
  lookup" answer, not a 500 (`BadLookupsRefusedMixin`).

This module imports no app: the apps import it.
"""

from dataclasses import dataclass, field
from functools import update_wrapper

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.db import DataError, transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

# How many rows a section of the home page lists before "and N more".
HOME_ITEMS = 8

# --- The home page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One line of a section: a thing to do, with a link to the page where it is done."""

    text: str
    url: str | None = None
    details: str = ""
    needs_attention: bool = False


@dataclass(frozen=True)
class Section:
    """A section of the home page: `items` (at most HOME_ITEMS) of `total`, the rest behind `more_url`."""

    title: str
    items: list = field(default_factory=list)
    total: int = 0
    more_url: str | None = None
    more_text: str = ""
    empty: str = ""

    @property
    def more(self):
        return max(self.total - len(self.items), 0)


_home_sections = []


def home_section(order):
    """Register `function(request) -> Section | None` as a section of the admin's home page;
    sections show in `order`, lowest first."""

    def register(function):
        _home_sections.append((order, function))
        _home_sections.sort(key=lambda pair: pair[0])
        return function

    return register


def home_sections(request):
    return [section for _order, function in _home_sections if (section := function(request)) is not None]


# --- Workflow steps as buttons ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A line of an object's "What happens next" box: a button (`label` and the step's `url`), a
    note, or both."""

    label: str = ""
    url: str | None = None
    note: str = ""
    danger: bool = False


class WorkflowStepsMixin:
    """ModelAdmin mixin: `workflow_steps` maps an address (`publish-agenda`) to the name of a method
    `method(request, obj)` that runs the step (calling a service) and says what happened with
    `message_user`. Each is served at `<id>/<address>/` as POST only (GET: 405); another group's
    object is a 404 and an object the person may see but not change a 403, exactly as the change
    page. `workflow(request, obj)` returns the Steps the change page shows above the form."""

    workflow_steps = {}

    def get_urls(self):
        opts = self.opts

        def wrap(view):
            def wrapper(*args, **kwargs):
                return self.admin_site.admin_view(view)(*args, **kwargs)

            return update_wrapper(wrapper, view)

        steps = [
            path(
                f"<path:object_id>/{address}/",
                wrap(self._step_view(method)),
                name=f"{opts.app_label}_{opts.model_name}_{method}",
            )
            for address, method in self.workflow_steps.items()
        ]
        return steps + super().get_urls()

    def _step_view(self, method):
        def view(request, object_id):
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404(
                    _("No %(thing)s with that id in your groups.") % {"thing": self.opts.verbose_name}
                )
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            getattr(self, method)(request, obj)
            return HttpResponseRedirect(self.change_url(obj))

        view.__name__ = view.__qualname__ = method
        return view

    def change_url(self, obj):
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def step_url(self, obj, method):
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{method}",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def workflow(self, request, obj):
        return []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            context["workflow"] = self.workflow(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


# --- Forms that read well -----------------------------------------------------------------------


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each with a label naming the field ("Starts: date"):
    Django's own label names neither input."""

    template_name = "admin/widgets/split_datetime.html"

    def __init__(self, attrs=None, *, label=""):
        super().__init__(attrs)
        self.label = label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["field_label"] = self.label
        return context


class MarkdownTextarea(AdminTextareaWidget):
    """A text area with a short guide beside it: what bold, lists and links look like typed."""

    template_name = "admin/widgets/markdown_textarea.html"


class BadLookupsRefusedMixin:
    """ModelAdmin mixin: a filter in the list's address whose value the database refuses is an
    incorrect lookup (Django sends the list back without its filters, then says so), not a 500.

    Django checks a value against its field only as far as Python goes: a word for an array field
    (`?flags=x`: "malformed array literal") or a year beyond any calendar (`?seen_on__year=99999999999`)
    fails only when the query runs. It runs in a savepoint, so the failure leaves the request's
    transaction usable.
    """

    def get_changelist_instance(self, request):
        try:
            with transaction.atomic():
                return super().get_changelist_instance(request)
        except (DataError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class AccessibleAdminMixin:
    """ModelAdmin mixin: split date and time inputs with their own labels, and a formatting guide
    next to each field named in `markdown_fields` (a dict of field name → help text, which replaces
    the model's)."""

    markdown_fields = {}

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownTextarea
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return formfield
        if type(formfield.widget) is AdminSplitDateTime:
            formfield.widget = LabelledSplitDateTime(formfield.widget.attrs, label=formfield.label)
        if db_field.name in self.markdown_fields:
            formfield.help_text = self.markdown_fields[db_field.name]
        return formfield


class LabelledInlineMixin:
    """InlineModelAdmin mixin for tabular inlines: each input is named after its column (a table's
    header names no input for a screen reader)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for formfield in formset.form.base_fields.values():
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return type(formset.__name__, (LabelledDeleteFormSetMixin, formset), {})


class LabelledDeleteFormSetMixin:
    """The "Delete?" checkbox of a saved inline row is added by the formset, not the form: name it too."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.setdefault("aria-label", _("Delete this row"))
