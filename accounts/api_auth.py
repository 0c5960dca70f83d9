"""Personal API tokens on django-ninja endpoints: who is calling, and how often they may write.

An endpoint that acts for a person (an app sending a sighting, say) takes `TokenAuth()` as its
`auth` and, when it writes, counts the write with `over_write_limit` first:

    from accounts.api_auth import TokenAuth, over_write_limit
    from lagportal.lib.api_schemas import RateLimited, Unauthorized

    @router.post(
        "",
        auth=TokenAuth(),
        response={201: SightingOut, 401: Unauthorized, 422: InvalidParameters, 429: RateLimited},
    )
    def report_sighting(request, report: SightingIn):
        if refusal := over_write_limit(request):
            return refusal
        sighting = services.report_sighting(..., recorder=request.user)
        return Status(201, sighting)

A request without a valid token never reaches the function: ninja answers
`401 {"detail": "Unauthorized"}`. Inside it, `request.user` is the token's person and
`request.auth` the `ApiToken`.
"""

from datetime import timedelta

from allauth.core import ratelimit
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja.security import HttpBearer

from .models import ApiToken

# How recent `last_used_at` has to be for a request not to write it again: it tells the person
# whether a token is in use, for which the minute is plenty, at one UPDATE a minute at most.
LAST_USED_PRECISION = timedelta(minutes=1)
# The allauth rate limit (settings.ACCOUNT_RATE_LIMITS) counting each token's writes, in the cache
# as allauth's own limits are: shared through Redis, and per process while Redis is unreachable.
WRITE_ACTION = "api_write"
RETRY_AFTER_SECONDS = 60
# Longer than any token the portal makes; a longer header is no token, and is not hashed.
MAX_TOKEN_LENGTH = 100


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: an active token of an active person, else a 401."""

    def authenticate(self, request, token):
        if not token.startswith(ApiToken.SCHEME) or len(token) > MAX_TOKEN_LENGTH:
            return None
        # Looked up by its SHA-256 hash, never compared with a secret: how long the lookup takes
        # tells nothing about the secrets held.
        found = (
            ApiToken.objects.active()
            .filter(secret_hash=ApiToken.hash_of(token), user__is_active=True)
            .select_related("user")
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        request.user = found.user
        return found


def over_write_limit(request):
    """Count one write by the request's token; return the 429 answer when its limit is used up.

    Returns None while the token is within its limit (the write goes ahead). Call it from POST,
    PUT, PATCH and DELETE endpoints that take `TokenAuth()`: allauth never counts a GET.
    """
    if ratelimit.consume(request, action=WRITE_ACTION, key=f"api-token:{request.auth.pk}"):
        return None
    return JsonResponse(
        {"detail": gettext("Too many changes with this token. Wait a minute and try again.")},
        status=429,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
