"""Publishing toolkit resources: the status workflow and new versions of a resource's file.

Every status change goes through `change_status`, which checks the step and the person, and
records a StatusChange. The steps:

    draft ──(send for review)──▶ in review ──(publish)──▶ published ──(archive)──▶ archived
      ▲                              │                                                │
      └───────(back to draft)────────┘            draft ◀──(return to draft)──────────┘

- draft → in review and in review → draft: whoever may change resources (`toolkit.change_resource`).
- in review → published, published → archived and archived → draft also need
  `toolkit.publish_resource`: each changes what the public sees (an archived resource's address
  says that it was withdrawn; a draft's is not found).
A resource reaches the public only through review, publishers' own included: the "in review"
filter of the admin's list is the publishers' queue.

What a person may edit follows the same line (`may_edit`): a draft, with the change permission;
anything in review, published or archived only with the publish permission too, since editing it
changes (or will change) a public page.
"""

import tempfile
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Resource, ResourceFile, Status, StatusChange, TextExtraction
from .storage import toolkit_files
from .tasks import read_resource_text
from .uploads import CheckedUpload, check_upload

PUBLISH = "toolkit.publish_resource"
CHANGE = "toolkit.change_resource"

# (from, to) → the permission the step needs beyond CHANGE (None: CHANGE alone).
TRANSITIONS = {
    (Status.DRAFT, Status.IN_REVIEW): None,
    (Status.IN_REVIEW, Status.DRAFT): None,
    (Status.IN_REVIEW, Status.PUBLISHED): PUBLISH,
    (Status.PUBLISHED, Status.ARCHIVED): PUBLISH,
    (Status.ARCHIVED, Status.DRAFT): PUBLISH,
}


class WorkflowError(Exception):
    """A status change that cannot be made from where the resource is; the message is for staff."""


def may_publish(user):
    return user.is_active and user.has_perm(PUBLISH)


def may_edit(user, resource):
    """Whether `user` may change `resource`'s content (or add it, when it is new)."""
    if not user.is_active:
        return False
    if resource.pk is None:
        return user.has_perm("toolkit.add_resource")
    if not user.has_perm(CHANGE):
        return False
    return resource.status == Status.DRAFT or user.has_perm(PUBLISH)


def may_change_status(user, from_status, to_status):
    if (from_status, to_status) not in TRANSITIONS:
        return False
    needed = TRANSITIONS[(from_status, to_status)]
    return user.is_active and user.has_perm(CHANGE) and (needed is None or user.has_perm(needed))


def allowed_transitions(resource, user):
    """The statuses `user` may move `resource` to now, in the workflow's order."""
    return [
        to_status
        for (from_status, to_status) in TRANSITIONS
        if from_status == resource.status and may_change_status(user, from_status, to_status)
    ]


@transaction.atomic
def change_status(resource, to_status, by):
    """Move `resource` to `to_status` as `by`, recording a StatusChange; the first publication sets
    `published_on`. Returns the resource. Raises PermissionDenied when `by` may not make the step,
    WorkflowError when the step does not exist from the resource's status."""
    if not (by.is_active and by.has_perm(CHANGE)):
        raise PermissionDenied(_("You may not change toolkit resources."))
    # Locked so that two people moving the same resource at once make two steps in turn, not one twice.
    locked = Resource.objects.select_for_update(of=("self",)).get(pk=resource.pk)
    from_status = locked.status
    if (from_status, to_status) not in TRANSITIONS:
        raise WorkflowError(
            _("“%(resource)s” is %(from)s: it cannot be moved to %(to)s from there.")
            % {
                "resource": locked,
                "from": Status(from_status).label.lower(),
                "to": Status(to_status).label.lower(),
            }
        )
    if not may_change_status(by, from_status, to_status):
        raise PermissionDenied(_("Publishing, archiving and unarchiving need the permission to publish."))
    locked.status = to_status
    if to_status == Status.PUBLISHED and locked.published_on is None:
        locked.published_on = timezone.localdate()
    locked.save(update_fields=["status", "published_on", "updated_at"])
    StatusChange.objects.create(resource=locked, from_status=from_status, to_status=to_status, changed_by=by)
    resource.status, resource.published_on, resource.updated_at = (
        locked.status,
        locked.published_on,
        locked.updated_at,
    )
    return resource


def replace_file(resource, upload, by):
    """Make `upload` the file of `resource` (which is saved as it stands, new or not, so that a
    form's other changes go with it) and record it as a ResourceFile version: uploaded by `by`, now.
    The resource's address stays the same; earlier versions stay in `resource.file_versions`, whose
    newest row is the current file. A PDF's text is then read in a task (text_extraction PENDING).

    `upload` is an uploaded file (checked here by its contents, raising ValidationError) or a
    CheckedUpload. Raises PermissionDenied when `by` may not edit the resource. The rows are written
    in one transaction and the file only once it commits, so a rollback leaves nothing behind.
    """
    checked = upload if isinstance(upload, CheckedUpload) else check_upload(upload)
    if not may_edit(by, resource):
        raise PermissionDenied(_("You may not change this resource."))
    stored_name = resource.file.field.generate_filename(resource, checked.stored_name())
    with transaction.atomic():
        if resource.pk is not None:
            # Two uploads at once: one after the other, each its own version.
            list(Resource.objects.select_for_update(of=("self",)).filter(pk=resource.pk).values_list("pk"))
        resource.file = stored_name
        resource.file_name = checked.file_name
        resource.file_type = checked.file_type
        resource.file_size = checked.file_size
        resource.file_text = ""
        resource.text_extraction = TextExtraction.PENDING if checked.is_pdf else TextExtraction.NOT_APPLICABLE
        resource.save()
        ResourceFile.objects.create(
            resource=resource,
            file=stored_name,
            file_name=checked.file_name,
            file_type=checked.file_type,
            file_size=checked.file_size,
            uploaded_by=by,
        )
        # A copy of our own: the upload itself is closed with the request, which may end first.
        transaction.on_commit(partial(_write_file, stored_name, _spooled_copy(checked.content)))
        if checked.is_pdf:
            transaction.on_commit(partial(_queue_text_extraction, resource.pk))
    return resource


def delete_resource(resource, by):
    """Delete `resource` with its status history and file versions, and, once that commits, its
    stored files. Raises PermissionDenied unless `by` may delete it (a draft, or anything for a
    publisher)."""
    if not (by.has_perm("toolkit.delete_resource") and may_edit(by, resource)):
        raise PermissionDenied(_("You may not delete this resource."))
    with transaction.atomic():
        names = {resource.file.name, *resource.file_versions.values_list("file", flat=True)} - {""}
        resource.delete()
        transaction.on_commit(partial(_delete_files, sorted(names)))


def _delete_files(names):
    for name in names:
        toolkit_files.delete(name)


def _spooled_copy(content):
    copy = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    content.seek(0)
    for chunk in content.chunks():
        copy.write(chunk)
    copy.seek(0)
    return File(copy)


def _write_file(name, content):
    with content:
        written = toolkit_files.save(name, content)
    if written != name:  # the storage chose another name (never for a fresh random one, but if so)
        Resource.objects.filter(file=name).update(file=written)
        ResourceFile.objects.filter(file=name).update(file=written)


def _queue_text_extraction(resource_id):
    read_resource_text.enqueue(resource_id)
