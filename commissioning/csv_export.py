"""CSV files that open cleanly in Excel and cannot run in it (pure Python: any export may use
it).

- UTF-8 with a byte order mark, so Excel reads "£" as "£" and not "Â£".
- Notes go on comment lines ("# ...") above the header, never as a data row.
- A text cell starting with = + - @, a tab or a carriage return is a formula to Excel and
  LibreOffice ("CSV injection", OWASP): it gets a leading apostrophe, which they show as
  text. Numbers are left alone, so -3 stays a number.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence

BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence], comments: Sequence[str] = ()) -> str:
    buffer = io.StringIO()
    for comment in comments:
        buffer.write(f"# {' '.join(comment.split())}\r\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence], comments: Sequence[str] = ()
) -> bytes:
    """The file's bytes: UTF-8 with a byte order mark."""
    return (BYTE_ORDER_MARK + csv_text(header, rows, comments)).encode("utf-8")


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A zip of named files, in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
