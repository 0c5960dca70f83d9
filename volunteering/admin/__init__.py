"""The volunteering admin, one module per part: events and the day itself (register, messages,
cancelling, the attendance export), and what was done (work records, follow-ups, logged hours,
messages sent). The workspace module adds the coordinators' panels to the admin home."""

from .. import workspace  # noqa: F401  (registers the admin home page's sections)
from . import events, records  # noqa: F401
