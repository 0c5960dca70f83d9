"""The species admin, one module per part: species pages, sightings and their verification."""

from . import species  # noqa: F401
