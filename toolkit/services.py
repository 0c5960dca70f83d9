"""The toolkit's workflows: what views, admin actions and commands all call."""

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
