"""Every CSV the portal serves, written one way: UTF-8 with a byte-order mark, and no cell that a
spreadsheet would run as a formula.

A cell a person typed (an action, a name, a sighting note) that starts with `=`, `+`, `-`, `@`, a
tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets ("CSV injection"):
such a cell is written with a leading apostrophe, which the spreadsheet shows as plain text.
"""

import csv
import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"  # so spreadsheet programs read the text as UTF-8


def safe_cell(value):
    """`value` as a CSV cell that no spreadsheet runs: numbers stay numbers, text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.date):  # dates and datetimes
        return value.isoformat()
    text = str(value)
    # Leading spaces do not stop every spreadsheet from reading a formula.
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeWriter:
    """A csv.writer whose every cell goes through `safe_cell`."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_response(filename, header, rows):
    """A downloadable CSV of `header` then `rows`, never cached by a browser or proxy."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    response.write(BYTE_ORDER_MARK)
    writer = SafeWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
