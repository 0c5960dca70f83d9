"""The kinds of email the groups app sends (see lagportal.lib.mail).

Each context function re-reads what the message is about when the worker sends it, and returns
None when the message is no longer wanted: a request answered or withdrawn before the email went,
an agenda or update no longer published.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

from .models import Meeting, Membership, Role, Update

JOIN_CONFIRMATION = "groups/emails/join_confirmation"
NEW_MEMBER = "groups/emails/new_member"
MEMBERSHIP_APPROVED = "groups/emails/membership_approved"
MEMBERSHIP_DECLINED = "groups/emails/membership_declined"
AGENDA = "groups/emails/agenda"
MINUTES = "groups/emails/minutes"
UPDATE = "groups/emails/update"
REQUEST_TO_NATIONAL = "groups/emails/request_to_national"
REQUEST_WAITING = "groups/emails/request_waiting"
REQUEST_WAITING_NATIONAL = "groups/emails/request_waiting_national"
COORDINATOR_APPOINTED = "groups/emails/coordinator_appointed"


def _membership(message):
    return Membership.objects.with_group().select_related("user").filter(pk=message.about_id).first()


def _membership_context(membership):
    return {"group": membership.group, "member": membership.user, "membership": membership}


@mail.kind(JOIN_CONFIRMATION, label=_("Joined a group, or asked to"))
def join_confirmation(message):
    membership = _membership(message)
    if membership is None or not membership.is_current:
        return None
    return _membership_context(membership)


@mail.kind(NEW_MEMBER, label=_("New member or request, to the coordinators"))
def new_member(message):
    membership = _membership(message)
    if membership is None or not membership.is_current:
        return None
    if membership.status == Membership.Status.PENDING:
        admin_url = _requests_waiting_url(message, membership)
    else:
        admin_url = mail.site_url(message) + reverse("admin:groups_membership_change", args=[membership.pk])
    return {**_membership_context(membership), "admin_url": admin_url}


def _requests_waiting_url(message, membership):
    """Straight to the requests waiting in the membership's group, not to every membership."""
    query = urlencode({"group": membership.group_id, "status__exact": Membership.Status.PENDING})
    return f"{mail.site_url(message)}{reverse('admin:groups_membership_changelist')}?{query}"


def _waiting_request(message):
    """The context of an email about a request still waiting for an answer, or None."""
    membership = _membership(message)
    if membership is None or membership.status != Membership.Status.PENDING:
        return None
    return {
        **_membership_context(membership),
        "admin_url": _requests_waiting_url(message, membership),
        "waiting_days": (timezone.now() - membership.requested_at).days,
        "remind_after_days": Membership.REMIND_AFTER.days,
    }


@mail.kind(
    REQUEST_TO_NATIONAL,
    label=_("Request to join a group with no coordinator, to the national LAG Coordinator"),
)
def request_to_national(message):
    return _waiting_request(message)


@mail.kind(REQUEST_WAITING, label=_("Reminder of a request waiting, to the coordinators"))
def request_waiting(message):
    return _waiting_request(message)


@mail.kind(
    REQUEST_WAITING_NATIONAL, label=_("Reminder of a request waiting, to the national LAG Coordinator")
)
def request_waiting_national(message):
    context = _waiting_request(message)
    if context is None:
        return None
    # A group with coordinators: the national LAG Coordinator can chase them (and cannot answer).
    coordinators = list(context["group"].coordinators().order_by("full_name", "email"))
    return {**context, "coordinators": coordinators}


@mail.kind(COORDINATOR_APPOINTED, label=_("Made the coordinator of a group"))
def coordinator_appointed(message):
    membership = _membership(message)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return None
    if not membership.roles.filter(role=Role.COORDINATOR, ended_on__isnull=True).exists():
        return None
    return {
        **_membership_context(membership),
        "admin_url": mail.site_url(message) + reverse("admin:index"),
        "members_url": _group_members_url(message, membership),
    }


def _group_members_url(message, membership):
    query = urlencode({"group": membership.group_id})
    return f"{mail.site_url(message)}{reverse('admin:groups_membership_changelist')}?{query}"


@mail.kind(MEMBERSHIP_APPROVED, label=_("Request to join approved"))
def membership_approved(message):
    membership = _membership(message)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return None
    return _membership_context(membership)


@mail.kind(MEMBERSHIP_DECLINED, label=_("Request to join declined"))
def membership_declined(message):
    membership = _membership(message)
    if membership is None or membership.status != Membership.Status.DECLINED:
        return None
    return _membership_context(membership)


def _meeting(message):
    return Meeting.objects.with_group().filter(pk=message.about_id).first()


@mail.kind(AGENDA, label=_("Meeting agenda"))
def agenda(message):
    meeting = _meeting(message)
    if meeting is None or meeting.agenda_published_at is None:
        return None
    actions = meeting.actions_reviewed.open().select_related("lead_member__user")
    return {"group": meeting.group, "meeting": meeting, "actions": actions}


@mail.kind(MINUTES, label=_("Meeting minutes"))
def minutes(message):
    meeting = _meeting(message)
    if meeting is None or meeting.minutes_published_at is None:
        return None
    return {"group": meeting.group, "meeting": meeting}


def _stop_updates_url(message, context):
    return mail.site_url(message) + reverse("groups:stop_update_emails", args=[context["stop_token"]])


def _update_headers(message, context):
    # RFC 2369 and RFC 8058: mail programs show an "unsubscribe" that stops these in one click.
    return {
        "List-Unsubscribe": f"<{_stop_updates_url(message, context)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@mail.kind(UPDATE, label=_("Update from a group"), headers=_update_headers)
def update(message):
    news = Update.objects.with_group().filter(pk=message.about_id).first()
    if news is None or news.published_at is None:
        return None
    # Still a member who wants them: someone who stopped them (or left) since it was queued gets nothing.
    membership = (
        Membership.objects.active()
        .filter(group=news.group_id, user=message.recipient_id, contact_consent=True, update_emails=True)
        .first()
    )
    if membership is None:
        return None
    token = membership.stop_updates_token()
    return {
        "group": news.group,
        "update": news,
        "stop_token": token,
        "stop_url": mail.site_url(message) + reverse("groups:stop_update_emails", args=[token]),
    }
