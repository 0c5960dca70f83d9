"""The species admin, one module per part: species pages, sightings and their verification."""

from . import sightings  # noqa: F401
