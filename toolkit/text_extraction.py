"""The text inside uploaded PDFs, read with pypdf for the toolkit's search.

A PDF is read in a task after its upload commits (`toolkit.tasks.read_resource_text`), or by
`manage.py extract_toolkit_text` for any left waiting. Whatever happens, the file is kept: the
state says whether its text was read (DONE), it has none (NO_TEXT: a scan), or it could not be
read (DAMAGED: broken or password-protected).

Bounds, so that a hostile or huge PDF cannot hold a worker: at most MAX_PAGES pages and
TIME_LIMIT_SECONDS of reading (checked between pages; the text read so far is kept), at most
MAX_CHARACTERS characters kept, and pypdf's own limits on each decompressed stream (75 MB, its
`Configuration` defaults). The character bound is for PostgreSQL: a tsvector holds at most 1 MB,
and the search document is built from this text with the title, summary and body.
"""

import logging
import time
from dataclasses import dataclass

from django.db import OperationalError, transaction
from django.utils import timezone
from pypdf import PasswordType, PdfReader

from .models import Resource, TextExtraction

logger = logging.getLogger(__name__)

MAX_PAGES = 500
MAX_CHARACTERS = 500_000
TIME_LIMIT_SECONDS = 60
# PostgreSQL's "program limit exceeded", as it answers a tsvector over 1 MB.
TSVECTOR_TOO_LONG = "54000"


@dataclass(frozen=True)
class Extraction:
    state: str
    text: str = ""


def normalise(text):
    """One space between words; no NUL (PostgreSQL refuses it) and no lone surrogates (UTF-8 does)."""
    text = text.replace("\x00", " ").encode("utf-8", "ignore").decode("utf-8")
    return " ".join(text.split())


def read_pdf_text(stream, *, max_pages=MAX_PAGES, max_characters=MAX_CHARACTERS, seconds=TIME_LIMIT_SECONDS):
    """The Extraction of a PDF's text layer, within the bounds above."""
    deadline = time.monotonic() + seconds
    pieces, length = [], 0
    # pypdf raises many kinds of error on a broken or hostile file (its own, and KeyError,
    # TypeError, RecursionError...): any of them means "damaged", never a failed task.
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return Extraction(TextExtraction.DAMAGED)
        for number, page in enumerate(reader.pages):
            # The time is checked between pages, so the first page is always read.
            if number >= max_pages or length >= max_characters or (number and time.monotonic() > deadline):
                break
            text = normalise(page.extract_text() or "")
            if text:
                pieces.append(text)
                length += len(text) + 1
    except Exception:  # any of them: see above
        logger.info("A toolkit PDF could not be read", exc_info=True)
        return Extraction(TextExtraction.DAMAGED)
    text = " ".join(pieces)[:max_characters]
    return Extraction(TextExtraction.DONE, text) if text else Extraction(TextExtraction.NO_TEXT)


def extract_resource_text(resource_id):
    """Read the text of a resource's PDF if it is waiting to be read; returns the new state, or None
    when there was nothing to do (already read, replaced since, or the file not yet stored).
    Safe to run twice: only a resource still PENDING with the same file is written."""
    resource = (
        Resource.objects.filter(pk=resource_id, text_extraction=TextExtraction.PENDING)
        .only("pk", "file", "file_type")
        .first()
    )
    if resource is None or not resource.file:
        return None
    if resource.file_type != "pdf":
        result = Extraction(TextExtraction.NOT_APPLICABLE)
    else:
        try:
            with resource.file.open("rb") as stream:
                result = read_pdf_text(stream)
        except FileNotFoundError:
            logger.warning(
                "Toolkit resource %s: its file %s is not in storage", resource.pk, resource.file.name
            )
            return None
    return _store(resource, result)


def _store(resource, result):
    text = result.text
    while True:
        try:
            with transaction.atomic():
                updated = Resource.objects.filter(
                    pk=resource.pk, file=resource.file.name, text_extraction=TextExtraction.PENDING
                ).update(file_text=text, text_extraction=result.state, updated_at=timezone.now())
        except OperationalError as error:
            # The words made a tsvector over PostgreSQL's 1 MB (long words in a script of several
            # bytes a letter can, within MAX_CHARACTERS): keep the first half, and try again.
            if getattr(error.__cause__, "sqlstate", None) != TSVECTOR_TOO_LONG or len(text) < 1000:
                raise
            text = text[: len(text) // 2]
            continue
        return result.state if updated else None
