"""CSV exports open cleanly in Excel and never run a formula (issue 16, defect 12)."""

import csv
import io
import zipfile

import pytest

from commissioning.csv_export import csv_bytes, safe_cell, zip_bytes


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rcarriage", "'\rcarriage"),
        ("Manchester", "Manchester"),
        (-3, -3),
        (2.5, 2.5),
        (None, ""),
    ],
)
def test_a_cell_excel_would_run_is_written_as_text(cell, written):
    assert safe_cell(cell) == written


def test_the_file_is_utf8_with_a_byte_order_mark_and_notes_above_the_header():
    content = csv_bytes(
        ["Cost (£)", "=name"], [[12000, "-a"]], comments=["Synthetic, for\nthe demo"]
    )
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "# Synthetic, for the demo"
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert rows == [["Cost (£)", "'=name"], ["12000", "'-a"]]


def test_a_zip_holds_the_files_in_order():
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes({"a.csv": b"1", "notes.txt": b"n"})))
    assert archive.namelist() == ["a.csv", "notes.txt"]
