from .base import HEAVY_GROUP_FIELDS, GroupRowQuerySet
from .geography import CoverageSnapshot, District, LandArea
from .group import (
    BRITISH_NATIONAL_GRID,
    MAP_SIMPLIFY_TOLERANCE,
    MAP_SMALLEST_PART,
    WGS84,
    Country,
    Habitat,
    JoiningMethod,
    LocalActionGroup,
)
from .membership import NATIONAL_COORDINATOR, Membership, MembershipRole, Role, national_coordinators
from .running import ActionItem, Meeting, Update

__all__ = [
    "NATIONAL_COORDINATOR",
    "national_coordinators",
    "HEAVY_GROUP_FIELDS",
    "GroupRowQuerySet",
    "ActionItem",
    "Meeting",
    "Update",
    "BRITISH_NATIONAL_GRID",
    "MAP_SIMPLIFY_TOLERANCE",
    "MAP_SMALLEST_PART",
    "WGS84",
    "CoverageSnapshot",
    "Country",
    "District",
    "Habitat",
    "JoiningMethod",
    "LandArea",
    "LocalActionGroup",
    "Membership",
    "MembershipRole",
    "Role",
]
