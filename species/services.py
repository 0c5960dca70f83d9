"""Workflows of the species app, which views, admin actions and commands all call."""

# --- Following a species or a place (species.following) ----------------------------------------
from .following import (  # noqa: F401
    FollowingError,
    follow,
    give_default_subscription,
    pause_many,
    set_following_active,
    stop_following,
    subscribe_coordinators,
    subscriptions_for_stop_token,
    tell_followers,
)
