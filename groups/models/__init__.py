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
from .membership import Membership, MembershipRole, Role
from .running import ActionItem, Meeting, Update

__all__ = [
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
