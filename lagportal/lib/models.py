from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        help_text="Blank the address and context once sent (mail to a deleted account).",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["about_type", "about_id"], name="message_about")]

    def __str__(self):
        from .mail import label_of

        return f"{label_of(self.kind)} → {self.to_address or _('(address erased)')}"
