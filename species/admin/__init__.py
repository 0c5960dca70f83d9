"""The species admin, one module per part: species pages, sightings and their verification."""

from . import open_data, sightings  # noqa: F401
