"""The toolkit's workflows, called by its views, its admin and its commands."""

from django.db.models import F

# Printed materials for groups, and the NNSS mailing list: their workflows live in toolkit.materials
# and toolkit.mailing.
from .mailing import (  # noqa: F401
    MailingError,
    confirm_subscription,
    forget_unconfirmed,
    send_mailing_update,
    subscribe,
    subscriber_for_confirmation,
    subscriber_for_token,
    unsubscribe,
)
from .mailing import normalise as normalise_address  # noqa: F401
from .materials import (  # noqa: F401
    MaterialsError,
    cancel_materials_request,
    change_stock,
    groups_that_may_ask,
    mark_materials_sent,
    request_materials,
    requests_with_lines,
)
from .models import Resource

# Publishing: the status workflow and new file versions live in toolkit.publishing.
from .publishing import (  # noqa: F401
    TRANSITIONS,
    WorkflowError,
    allowed_transitions,
    change_status,
    delete_resource,
    may_change_status,
    may_edit,
    may_publish,
    replace_file,
)


def count_download(resource):
    """Add one to the resource's download count, in one UPDATE (concurrent downloads all count)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
