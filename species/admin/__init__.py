"""The species admin, one module per part: species pages, sightings and their verification, and the
open-data downloads on the admin home."""

from . import open_data, sightings, species  # noqa: F401
