"""The error bodies every part of the public API shares, so each operation can declare them.

They describe what django-ninja itself sends: `{"detail": "Not Found"}` for a 404 and
`{"detail": [...]}`, one item per bad parameter, for a 422. Declaring them in each operation's
`response=` puts them in /api/openapi.json, where clients (and tests/groups/test_openapi.py) hold
the API to them.
"""

from typing import Any

from ninja import Field, Schema

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
