"""The portal's one CSV writer: no cell a spreadsheet would run as a formula."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from lagportal.lib.csv import csv_response, safe_cell


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "   =1+1",
    ],
)
def test_a_cell_that_starts_a_formula_is_written_as_text(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize(
    "value, cell",
    [
        ("Pull balsam below the weir", "Pull balsam below the weir"),
        ("Email: a=b", "Email: a=b"),
        (-3, -3),
        (2.5, 2.5),
        (Decimal("-1.25"), Decimal("-1.25")),
        (None, ""),
        (True, "yes"),
        (datetime.date(2026, 7, 1), "2026-07-01"),
    ],
)
def test_ordinary_values_are_written_as_they_are(value, cell):
    assert safe_cell(value) == cell


def test_a_csv_response_is_a_utf8_attachment_with_neutralised_cells():
    response = csv_response('plan "2026".csv', ["Action", "Lead"], [["=1+1", "Anwen «Ŵ»"], [-4, None]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [["Action", "Lead"], ["'=1+1", "Anwen «Ŵ»"], ["-4", ""]]
