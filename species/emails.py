"""The kinds of email the species app sends (see lagportal.lib.mail).

Each context function re-reads what the message is about when the worker sends it, and returns
None when the message is no longer wanted.
"""

from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

from .models import Decision

DECISION = "species/emails/decision"


@mail.kind(DECISION, label=_("Decision on a sighting, to the recorder"))
def decision(message):
    decided = Decision.objects.select_related("sighting__species").filter(pk=message.about_id).first()
    if decided is None:
        return None
    # Decided again before this went: the later decision's email tells the recorder where it stands.
    latest = decided.sighting.decisions.order_by("-decided_at", "-pk").values_list("pk", flat=True).first()
    if latest != decided.pk:
        return None
    sighting = decided.sighting
    return {
        "decision": decided,
        "sighting": sighting,
        "recorder_name": sighting.recorder_name,
        "status_url": mail.site_url(message) + sighting.get_status_url(),
    }
