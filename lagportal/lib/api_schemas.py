"""The error bodies every part of the public API shares, so each operation can declare them.

They describe what django-ninja itself sends: `{"detail": "Not Found"}` for a 404 and
`{"detail": [...]}`, one item per bad parameter, for a 422. Declaring them in each operation's
`response=` puts them in /api/openapi.json, where clients (and tests/groups/test_openapi.py) hold
the API to them.
"""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

NOT_FOUND = "Not Found"
UNAUTHORIZED = "Unauthorized"


class NotFound(Schema):
    detail: str = Field(description="Always “Not Found”.", json_schema_extra={"example": NOT_FOUND})


class Unauthorized(Schema):
    detail: str = Field(
        description="Always “Unauthorized”: no token, or one that is unknown, revoked or its person's account "
        "closed.",
        json_schema_extra={"example": UNAUTHORIZED},
    )


class RateLimited(Schema):
    detail: str = Field(description="Why the request was refused, for the person using the app.")


# The 400 of an operation that looks a place up (lagportal.lib.places): no docstring, which the
# OpenAPI document would show.
class Message(Schema):
    message: str = Field(
        description="Why the place could not be found, for the person who asked; for a place outside Great "
        "Britain, where to look instead."
    )


class InvalidParameter(Schema):
    """A parameter that is not valid."""

    type: str = Field(description="Pydantic's error type, e.g. “enum” or “greater_than_equal”.")
    loc: list[str | int] = Field(
        description="Where: the parameter's location and name, e.g. [“query”, “page”]."
    )
    msg: str = Field(description="What is wrong with it, in English.")
    ctx: dict[str, Any] | None = Field(None, description="The limit that was broken, when there is one.")


class InvalidParameters(Schema):
    detail: list[InvalidParameter] = Field(description="One item per parameter that is not valid.")


# Far beyond any list's last page: a huge page number would overflow PostgreSQL's OFFSET.
MAX_PAGE = 10_000


class CappedPages(PageNumberPagination):
    """Ninja's page-number pagination, with the page number capped at MAX_PAGE."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


def refuse_nul(value):
    """A pydantic validator's body: PostgreSQL cannot take a NUL in a query (it would be a 500)."""
    if "\x00" in value:
        raise ValueError("Search words cannot contain NUL characters.")
    return value
