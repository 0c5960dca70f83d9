"""People who follow a species or a place, and the emails they get when a record is verified."""


def tell_followers(sighting):
    """Queue an email to everyone following `sighting`'s species in an area containing it."""
    # Placeholder until the following work lands: nobody follows anything yet.
