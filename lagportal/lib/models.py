import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.db import models as gis_models
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .projections import WGS84


class MessageQuerySet(models.QuerySet):
    def naming(self, user):
        """Messages sent to `user`, or about them (e.g. "new member" mail to coordinators)."""
        return self.filter(Q(recipient=user) | Q(person=user) | Q(to_address__iexact=user.email))

    def waiting(self):
        return self.filter(status=Message.Status.QUEUED)

    def kinds(self):
        """The distinct kinds among these messages."""
        return self.order_by().values_list("kind", flat=True).distinct()


class Message(models.Model):
    """One email to one address: what kind, to whom, about what, and whether it went.

    Written in the same transaction as the change that caused it; the worker renders it from the
    object it is about when it sends it (see lagportal.lib.mail).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed: will be tried again")
        CANCELLED = "cancelled", _("Not sent: no longer needed")

    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The person it was sent to, when they have an account."),
    )
    to_address = models.EmailField(_("sent to"), blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("about the person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The person the message names, when not the recipient (e.g. a new member)."),
    )
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # A message that had to be rendered where it was queued (allauth's, which need the request).
    # Emptied once sent: it may hold a sign-in or password-reset link.
    prerendered = models.JSONField(null=True, blank=True, editable=False)
    forget_address = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Blank the address and context once sent (mail to a deleted account)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["about_type", "about_id"], name="message_about")]

    def __str__(self):
        from .mail import label_of

        return f"{label_of(self.kind)} → {self.to_address or _('(address erased)')}"


# --- Places: where postcodes are (lagportal.lib.places) -----------------------------------------

# A UK postcode is an outward code (area and district, e.g. CA1) and an inward code (sector and
# unit, e.g. 1AA).
OUTWARD_CODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
INWARD_CODE = r"[0-9][A-Z]{2}"
FULL_POSTCODE = re.compile(rf"({OUTWARD_CODE})({INWARD_CODE})")


class OutcodeQuerySet(models.QuerySet):
    def with_postcode_location(self, postcode):
        """Annotate `postcode_location`: the point of the full postcode `postcode` ("CA1 1AA"), or None."""
        return self.annotate(
            postcode_location=Subquery(Postcode.objects.filter(code=postcode).values("location")[:1])
        )


class Outcode(models.Model):
    """A UK postcode outward code (e.g. CA1), its centroid and its town: where a postcode district is."""

    code = models.CharField(max_length=4, primary_key=True)
    location = gis_models.PointField(srid=WGS84)
    town = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=30, blank=True)

    objects = OutcodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("outcode")
        verbose_name_plural = _("outcodes")

    def __str__(self):
        return self.code


class Postcode(models.Model):
    """A full UK postcode (e.g. CA1 1AA) and its point, from Code-Point Open or the ONS Postcode
    Directory (`manage.py load_postcodes`), so a place asked by postcode is the street, not the
    postcode district."""

    class Source(models.TextChoices):
        CODE_POINT_OPEN = "code_point_open", _("OS Code-Point Open")
        ONSPD = "onspd", _("ONS Postcode Directory")

    class PositionalQuality(models.IntegerChoices):
        # Code-Point Open's positional quality indicator; the ONSPD's `osgrdind` is the same scale / 10.
        BUILDING = 10, _("within the building of the address nearest the postcode's mean")
        BUILDING_CHECKED = 20, _("as 10, placed by visual inspection (Scotland)")
        WITHIN_50_M = 30, _("approximate, to within 50 m")
        UNIT_MEAN = 40, _("mean of the postcode's addresses")
        IMPUTED = 50, _("estimated from the surrounding postcodes")
        SECTOR_MEAN = 60, _("mean of the postcode sector (mostly PO boxes)")

    code = models.CharField(
        _("postcode"),
        max_length=8,
        primary_key=True,
        help_text=_("In capitals with one space before the last three characters, e.g. CA1 1AA."),
    )
    # Looked up by code only: no spatial index to build and keep for ~1.8 million rows.
    location = gis_models.PointField(_("location"), srid=WGS84, spatial_index=False)
    positional_quality = models.PositiveSmallIntegerField(
        _("positional quality"), choices=PositionalQuality.choices, null=True, blank=True
    )
    country = models.CharField(
        _("country code"), max_length=9, blank=True, help_text=_("ONS code, e.g. E92000001 for England.")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_file = models.CharField(_("source file"), max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self):
        return self.code

    @staticmethod
    def normalise(text):
        """Return `text` as a full postcode in the stored form ("CA1 1AA"), or None if it is not one."""
        match = FULL_POSTCODE.fullmatch(re.sub(r"\s+", "", text or "").upper())
        return f"{match[1]} {match[2]}" if match else None
