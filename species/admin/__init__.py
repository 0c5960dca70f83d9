"""The species admin, one module per part: species pages, sightings and their verification."""

from . import (
    open_data,  # noqa: F401
    species,  # noqa: F401
)
