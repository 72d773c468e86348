"""The one CSV writer of every export: formulas neutralised, lines produced one by one."""

import pytest

from pinnacle.spreadsheets import csv_lines, csv_response, csv_safe


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 512 555 0141", "'+1 512 555 0141"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Maya = friend", "Maya = friend"),
        (None, ""),
        (42, "42"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell, written):
    assert csv_safe(cell) == written


def test_lines_are_written_as_the_rows_come():
    produced = []

    def rows():
        for n in range(3):
            produced.append(n)
            yield [n, "=1+1", 'say "hi", twice']

    lines = csv_lines(["n", "formula", "quote"], rows())
    assert next(lines) == "n,formula,quote\r\n"
    assert next(lines) == '0,\'=1+1,"say ""hi"", twice"\r\n'
    assert produced == [0]  # the rest is not built until it is read


def test_the_download_is_named_and_streamed():
    response = csv_response("leads-2026-12-07.csv", csv_lines(["a"], [["b"]]))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="leads-2026-12-07.csv"'
    assert b"".join(response.streaming_content) == b"a\r\nb\r\n"
