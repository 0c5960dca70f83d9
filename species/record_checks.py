"""The automatic checks run on every new sighting before a person looks at it."""


def run_automatic_checks(sighting):
    """Set `sighting.flags` to what the checks find (CheckFlag values) and save them."""
    # Placeholder until the verification work lands: no checks yet.
    return sighting.flags
