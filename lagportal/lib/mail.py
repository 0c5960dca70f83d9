"""Every email the portal sends: recorded when queued, rendered and sent once by the task worker.

An app declares each kind of email it sends with a context function, which the worker calls with
the `Message` just before sending and which returns the template context, or None when the message
is no longer wanted (the sign-up it is about was cancelled, the request already answered):

    @mail.kind("groups/emails/new_member", label=_("New member, to the coordinators"))
    def new_member(message):
        membership = ...  # re-read from message.about_id
        return {"group": ..., "member": ...} if membership.is_current else None

and queues one with `mail.queue("groups/emails/new_member", to=coordinators, about=membership,
person=member)`. The kind is the template prefix: `<kind>_subject.txt`, `<kind>.txt` and
`<kind>.html`. A context with `reply_to` (a list of addresses) sets the email's Reply-To, e.g. to the
person who wrote through the contact form. The `Message` rows are written in the caller's
transaction; the task is enqueued when it commits (never if it rolls back), takes only the message's
id, and sends it at most once.
"""

import contextvars
import html
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    context: object  # callable(message) -> dict | None
    headers: object = None  # callable(message, context) -> dict of extra headers, or None
    attachments: object = None  # callable(message, context) -> [(filename, content, mimetype)], or None


_kinds = {}
_labels = {}
# Where the request that is queueing mail came in (set by RememberSiteAddress), for links in the
# email when SITE_URL is not set (development, on whatever address and port the server runs).
_request_site = contextvars.ContextVar("request_site", default="")
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


def kind(name, *, label, headers=None, attachments=None):
    """Register the decorated function as the context of the email kind `name` (and `headers`,
    a function of the message and its context, for headers such as List-Unsubscribe; and
    `attachments`, one returning (filename, content, mimetype) triples, e.g. a calendar file)."""

    def register(context):
        _kinds[name] = Kind(name, label, context, headers, attachments)
        _labels[name] = label
        return context

    return register


def site_url(message=None):
    """The address every link in an email starts with: SITE_URL (which `check --deploy` requires),
    else the address the queueing request came in on, else the development server's."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if message is not None and message.context.get("_site_url"):
        return message.context["_site_url"]
    return _request_site.get() or DEVELOPMENT_SITE_URL


class RememberSiteAddress:
    """Middleware: remember the address this request came in on, for emails it queues."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_site.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _request_site.reset(token)


def label_prerendered(name, *, label):
    """Name a kind of email that is rendered where it is queued (it has no context function)."""
    _labels[name] = label


def label_of(name):
    return _labels.get(name, name)


def kinds():
    return dict(_kinds)


class UnknownKind(LookupError):
    pass


def queue(name, *, to, about=None, person=None, context=None, prerendered=None, forget_address=False):
    """Record one message per distinct address in `to` (a user, an address, or an iterable of
    them) and send each from the worker once the current transaction commits. Returns the messages.
    """
    if prerendered is None and name not in _kinds:
        raise UnknownKind(f"No email kind {name!r} is registered.")
    context = dict(context or {})
    if not settings.SITE_URL and _request_site.get():
        context["_site_url"] = _request_site.get()
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    messages, seen = [], set()
    for recipient in _each(to):
        address = recipient if isinstance(recipient, str) else recipient.email
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        messages.append(
            Message(
                kind=name,
                recipient=None if isinstance(recipient, str) else recipient,
                to_address=address,
                person=person,
                about_type=about_type,
                about_id=about.pk if about is not None else None,
                context=context,
                prerendered=prerendered,
                forget_address=forget_address,
            )
        )
    Message.objects.bulk_create(messages)
    for message in messages:
        transaction.on_commit(lambda pk=message.pk: _enqueue(pk))
    return messages


def _each(to):
    if to is None:
        return []
    if isinstance(to, str) or hasattr(to, "email"):
        return [to]
    return list(to)


def _enqueue(message_id):
    from .tasks import send_message  # the task module imports this one

    send_message.enqueue(message_id)


def render(template_prefix, context):
    """Return (subject, text body, HTML body) from `<prefix>_subject.txt`, `.txt` and `.html`."""
    # A subject is plain text: undo the HTML escaping templates apply ("O'Brien", not "O&#x27;Brien").
    subject = html.unescape(" ".join(render_to_string(f"{template_prefix}_subject.txt", context).split()))
    text_body = render_to_string(f"{template_prefix}.txt", context).strip()
    html_body = render_to_string(f"{template_prefix}.html", context).strip()
    return subject, text_body, html_body


def deliver(message_id):
    """Send the message if it is still waiting and still wanted; return its status.

    Safe to run any number of times, by any number of workers: the row is locked while it is sent,
    and a message that is no longer waiting is left alone.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(pk=message_id, status__in=[Message.Status.QUEUED, Message.Status.FAILED])
            .first()
        )
        if message is None:
            return None
        try:
            email = _build(message)
        except Exception as error:  # a template or context fault: kept, and tried again later
            logger.exception("Email %s (%s) could not be rendered", message.pk, message.kind)
            message.status = Message.Status.FAILED
            message.attempts += 1
            message.last_error = f"Could not be rendered: {error}"[:300]
            message.save(update_fields=["status", "attempts", "last_error"])
            return message.status
        if email is None:
            message.status = Message.Status.CANCELLED
            message.prerendered = None
            message.save(update_fields=["status", "prerendered"])
            return message.status
        message.attempts += 1
        try:
            email.send()
        except Exception as error:  # SMTP errors, refused connections, timeouts: all retried later
            logger.warning("Email %s (%s) to be retried: %s", message.pk, message.kind, error)
            message.status = Message.Status.FAILED
            message.last_error = str(error)[:300]
            message.save(update_fields=["status", "attempts", "last_error"])
            return message.status
        message.status = Message.Status.SENT
        message.sent_at = timezone.now()
        message.prerendered = None
        message.last_error = ""
        if message.forget_address:
            message.to_address, message.context = "", {}
        message.save(
            update_fields=[
                "status",
                "attempts",
                "sent_at",
                "prerendered",
                "last_error",
                "to_address",
                "context",
            ]
        )
        return message.status


def _build(message):
    """The email to send for `message`, or None when its kind says it is no longer wanted."""
    if message.prerendered is not None:
        parts = message.prerendered
        subject, text_body, html_body = parts["subject"], parts["text"], parts.get("html", "")
        from_email, headers = parts.get("from_email"), parts.get("headers")
        reply_to, attachments = None, ()
    else:
        kind = _kinds.get(message.kind)
        if kind is None:  # a kind the code no longer has: nothing can render it
            logger.warning("Email %s has a kind no app registers: %s", message.pk, message.kind)
            return None
        with translation.override(settings.LANGUAGE_CODE):
            context = kind.context(message)
            if context is None:
                return None
            context = {"site_url": site_url(message), "message": message, **context}
            subject, text_body, html_body = render(message.kind, context)
        from_email = None
        headers = kind.headers(message, context) if kind.headers else None
        reply_to = list(context.get("reply_to") or []) or None
        attachments = kind.attachments(message, context) if kind.attachments else ()
    # The record's id in the Message-ID: a reply or bounce can be traced to what was sent.
    headers = {"Message-ID": make_msgid(f"lagportal-message-{message.pk}"), **(headers or {})}
    email = EmailMultiAlternatives(
        subject, text_body, from_email, [message.to_address], headers=headers, reply_to=reply_to
    )
    if html_body:
        email.attach_alternative(html_body, "text/html")
    for filename, content, mimetype in attachments or ():
        email.attach(filename, content, mimetype)
    return email


def forget(user):
    """Erase every message sent to `user` or naming them; return how many there were."""
    deleted, _per_model = Message.objects.naming(user).delete()
    return deleted
