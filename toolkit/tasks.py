from django_tasks import task

from . import text_extraction


@task()
def read_resource_text(resource_id):
    """Read the text of a resource's newly uploaded PDF for the search (nothing if already read)."""
    return text_extraction.extract_resource_text(resource_id)
