"""What the toolkit holds about a person: for "download my data", and erased with the account.

- Their requests for printed materials are their groups' records of what NNSS sent: kept, without
  them (the account link is emptied when the account goes), and without the delivery address and
  notes they typed, which may be their home's. A request not posted yet is cancelled, its materials
  put back in stock: there is nobody left to send it to.
- Files they uploaded, status changes they made, materials requests they marked sent, and mailing
  list updates they wrote or sent stay, as NNSS's records, without their name.
- Their subscription to the mailing list (by their account's address) is deleted.
"""

from django.dispatch import receiver
from django.utils.translation import gettext

from accounts.models import User
from accounts.signals import collect_personal_data, erase_personal_data

from . import materials
from .models import MailingListSubscriber, MailingUpdate, MaterialsRequest, ResourceFile, StatusChange


def subscriptions_of(user):
    if not user.email:
        return MailingListSubscriber.objects.none()
    return MailingListSubscriber.objects.filter(email__iexact=user.email)


@receiver(collect_personal_data, sender=User, dispatch_uid="toolkit.collect")
def collect_toolkit(sender, user, **kwargs):
    kept = gettext("Kept as NNSS's record, without your name.")
    requests = materials.requests_with_lines(MaterialsRequest.objects.filter(requested_by=user)).order_by(
        "requested_at", "pk"
    )
    return {
        "printed_materials_requested": [
            {
                "group": request.group.name,
                "event": request.event_name,
                "event_date": request.event_date,
                "delivery_address": request.delivery_address,
                "notes": request.notes,
                "state": request.get_state_display(),
                "requested_at": request.requested_at,
                "sent_at": request.sent_at,
                "materials": [
                    {"material": line.item.name, "quantity": line.quantity} for line in request.lines.all()
                ],
            }
            for request in requests
        ],
        "printed_materials_sent_by_you": [
            {
                "group": request.group.name,
                "event": request.event_name,
                "sent_at": request.sent_at,
                "when_your_account_is_deleted": kept,
            }
            for request in MaterialsRequest.objects.filter(sent_by=user)
            .select_related("group")
            .only("event_name", "sent_at", "group__name")
            .order_by("sent_at", "pk")
        ],
        "toolkit_files_uploaded": [
            {
                "resource": version.resource.title,
                "file_name": version.file_name,
                "uploaded_at": version.uploaded_at,
                "when_your_account_is_deleted": kept,
            }
            for version in ResourceFile.objects.filter(uploaded_by=user)
            .select_related("resource")
            .order_by("uploaded_at", "pk")
        ],
        "toolkit_status_changes": [
            {
                "resource": change.resource.title,
                "from": change.get_from_status_display(),
                "to": change.get_to_status_display(),
                "changed_at": change.changed_at,
                "when_your_account_is_deleted": kept,
            }
            for change in StatusChange.objects.filter(changed_by=user)
            .select_related("resource")
            .order_by("changed_at", "pk")
        ],
        "mailing_list_updates_written": [
            {"subject": update.subject, "written_at": update.created_at, "when_your_account_is_deleted": kept}
            for update in MailingUpdate.objects.filter(created_by=user).order_by("created_at", "pk")
        ],
        "mailing_list_updates_sent": [
            {
                "subject": update.subject,
                "sent_at": update.sent_at,
                "recipients": update.recipient_count,
                "when_your_account_is_deleted": kept,
            }
            for update in MailingUpdate.objects.filter(sent_by=user).order_by("sent_at", "pk")
        ],
        "mailing_list_subscription": [
            {
                "email": subscriber.email,
                "asked_at": subscriber.subscribed_at,
                "confirmed_at": subscriber.confirmed_at,
                "unsubscribed_at": subscriber.unsubscribed_at,
                "receives_updates": subscriber.is_subscribed,
            }
            for subscriber in subscriptions_of(user)
        ],
    }


@receiver(erase_personal_data, sender=User, dispatch_uid="toolkit.erase")
def erase_toolkit(sender, user, **kwargs):
    mine = MaterialsRequest.objects.filter(requested_by=user)
    for waiting in mine.filter(state=MaterialsRequest.State.REQUESTED):
        materials.cancel_materials_request(waiting, tell_coordinator=False)
    mine.update(requested_by=None, delivery_address="", notes="")
    # The other references empty themselves when the account goes (SET_NULL): NNSS's records stay.
    subscriptions_of(user).delete()
