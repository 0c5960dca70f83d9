"""What a work party treated, kept as species records so it reaches the species maps and open data."""


def keep_species_record(record, *, by):
    """Keep the species `record` treated as a species record (written by the records part)."""
    return None
