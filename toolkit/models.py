"""The NNSS toolkit: categories and resources (with their file versions), printed materials that
coordinators may request, and the NNSS mailing list."""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import models
from django.db.models import F, Func, Q, Value, Window
from django.db.models.functions import Concat, RowNumber, Substr
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from groups.models import LocalActionGroup

from .storage import toolkit_files


class Category(models.Model):
    """A shelf of the library, e.g. "Setting up and running a LAG"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Markdown. Shown at the top of the category.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("toolkit:category", args=[self.slug])


class Audience(models.TextChoices):
    NEW_GROUPS = "new_groups", _("New groups")
    COORDINATORS = "coordinators", _("Coordinators")
    VOLUNTEERS = "volunteers", _("Volunteers")
    PUBLIC = "public", _("The public")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class TextExtraction(models.TextChoices):
    """What became of reading the text inside an uploaded file (PDFs), for the search."""

    NOT_APPLICABLE = "none", _("No file, or not a PDF")
    PENDING = "pending", _("Waiting to be read")
    DONE = "done", _("Text read")
    NO_TEXT = "no_text", _("No text layer (a scan or images only)")
    DAMAGED = "damaged", _("Damaged: the text could not be read")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


# Around each matched word of a search snippet: private-use characters, taken out of the text before
# the search adds its own; the snippet is escaped before they become <mark>
# (toolkit/templatetags/toolkit.py).
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"
# ts_headline reads the whole text it is given: a long PDF's text is cut to its first part.
SNIPPET_SOURCE_CHARACTERS = 20_000


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def search(self, text):
        """Resources matching `text` (web search syntax: words, "a phrase", -not, or), best match
        first, each with `search_rank` and `snippet` (the matched words between HIGHLIGHT_START and
        HIGHLIGHT_STOP). Titles weigh most, then summaries, bodies, and the text inside the file."""
        query = SearchQuery(text, config="english", search_type="websearch")
        # Any marker already in the text is taken out first, so that only the search marks words.
        source = Func(
            Concat(
                "summary",
                Value(" \n"),
                "body",
                Value(" \n"),
                Substr("file_text", 1, SNIPPET_SOURCE_CHARACTERS),
                output_field=models.TextField(),
            ),
            Value(HIGHLIGHT_START + HIGHLIGHT_STOP),
            Value(""),
            function="translate",
            output_field=models.TextField(),
        )
        return (
            self.filter(search_document=query)
            .annotate(
                search_rank=SearchRank(F("search_document"), query),
                snippet=SearchHeadline(
                    source,
                    query,
                    config="english",
                    start_sel=HIGHLIGHT_START,
                    stop_sel=HIGHLIGHT_STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-search_rank", "title", "pk")
        )

    def latest_in_each_category(self, count):
        """At most `count` resources of each category, newest first, in one query."""
        return self.annotate(
            place_in_category=Window(
                RowNumber(),
                partition_by=[F("category_id")],
                order_by=[F("published_on").desc(nulls_last=True), F("pk").desc()],
            )
        ).filter(place_in_category__lte=count)


class Resource(models.Model):
    """A guide, leaflet, report or link in the library. Only published resources are public."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("Part of the resource's address.")
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="resources"
    )
    summary = models.CharField(
        _("summary"), max_length=400, help_text=_("One or two sentences shown in lists.")
    )
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown: **bold**, lists, links. No images or HTML.")
    )
    file = models.FileField(_("file"), upload_to="toolkit/%Y/", blank=True, storage=toolkit_files)
    file_name = models.CharField(
        _("file name"), max_length=200, blank=True, help_text=_("As people download it.")
    )
    file_type = models.CharField(_("file type"), max_length=20, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True, editable=False)
    file_text = models.TextField(editable=False, blank=True, default="")
    text_extraction = models.CharField(
        _("text in the file"),
        max_length=10,
        choices=TextExtraction.choices,
        default=TextExtraction.NOT_APPLICABLE,
        editable=False,
    )
    external_url = models.URLField(_("external link"), blank=True, max_length=500)
    audiences = ArrayField(
        models.CharField(max_length=15, choices=Audience.choices),
        verbose_name=_("audiences"),
        default=list,
        blank=True,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="resources")
    related_species = models.ManyToManyField(
        "species.Species", verbose_name=_("related species"), blank=True, related_name="toolkit_resources"
    )
    author = models.CharField(_("author or organisation"), max_length=200, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # Kept by PostgreSQL: titles weigh most, then summaries, bodies, and the text inside the file.
    search_document = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
        + SearchVector("file_text", weight="D", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [GinIndex(fields=["search_document"], name="toolkit_resource_search")]
        permissions = [("publish_resource", _("Can publish toolkit resources"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(file="") | ~Q(external_url=""),
                name="resource_has_content",
                violation_error_message=_("Give the resource a body, a file or an external link."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("toolkit:resource", args=[self.slug])

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED


class ResourceFile(models.Model):
    """A file a resource has had: the history of its versions (the current one is `Resource.file`)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="file_versions")
    file = models.FileField(_("file"), upload_to="toolkit/versions/%Y/", storage=toolkit_files)
    file_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=20)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["resource", "-uploaded_at", "-pk"]
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")

    def __str__(self):
        return self.file_name


class StatusChange(models.Model):
    """Who moved a resource from one status to another, and when."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["resource", "-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class MaterialItem(models.Model):
    """Printed awareness material NNSS sends free to groups: leaflets, ID guides, posters."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    quantity_available = models.PositiveIntegerField(_("quantity available"), default=0)
    most_per_request = models.PositiveIntegerField(_("most per request"), default=200)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("printed material")
        verbose_name_plural = _("printed materials")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_available__gte=0), name="material_stock_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


class MaterialsRequest(models.Model):
    """A coordinator's request for printed materials, for a group and an event."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(
        LocalActionGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="materials_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="materials_requests",
    )
    event_name = models.CharField(_("event"), max_length=200, help_text=_("What the materials are for."))
    event_date = models.DateField(_("event date"), null=True, blank=True)
    delivery_address = models.TextField(_("delivery address"))
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("materials request")
        verbose_name_plural = _("materials requests")

    def __str__(self):
        return f"{self.group} – {self.event_name}"


class MaterialsRequestLine(models.Model):
    request = models.ForeignKey(MaterialsRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        MaterialItem, verbose_name=_("material"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["request", "item__name"]
        verbose_name = _("requested material")
        verbose_name_plural = _("requested materials")
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="materials_line_unique_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="materials_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.item}"


def _new_token():
    return secrets.token_urlsafe(32)


class MailingListSubscriber(models.Model):
    """Someone who asked for NNSS updates: counted only once they confirm from the email."""

    email = models.EmailField(_("email"), unique=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    subscribed_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["email"]
        verbose_name = _("mailing list subscriber")
        verbose_name_plural = _("mailing list subscribers")

    def __str__(self):
        return self.email

    @property
    def is_subscribed(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def confirmation_token(self):
        """The token of this subscriber's confirmation link, "<id>-<signature>": only the confirmation
        email carries it. Unlike `token` (in every update's unsubscribe link) it cannot be worked out
        without the site's secret key, and it changes whenever `token` does."""
        signature = salted_hmac(
            "toolkit.mailing.confirmation", f"{self.pk}:{self.token}", algorithm="sha256"
        ).hexdigest()[:32]
        return f"{self.pk}-{signature}"


class MailingUpdate(models.Model):
    """An update NNSS sends to the mailing list, and the record of sending it."""

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown. Sent as plain text and HTML."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mailing list update")
        verbose_name_plural = _("mailing list updates")

    def __str__(self):
        return self.subject


class SeededContent(models.Model):
    """A category or resource of the toolkit's starting content that `load_toolkit` has put in
    place. Each is made once only: what staff later change, archive or delete stays that way, and
    the row is followed here even if staff change its slug."""

    key = models.CharField(max_length=250, unique=True)  # "category/<slug>" or "resource/<slug>"
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resource = models.ForeignKey(
        Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="seeded_as"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("starting content")
        verbose_name_plural = _("starting content")

    def __str__(self):
        return self.key
