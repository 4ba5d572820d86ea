"""CSV files staff open in a spreadsheet program (check-in lists, counter appointments,
registration-card labels): one way to write them.

UTF-8 with a byte-order mark (spreadsheet programs in Japan then read it as UTF-8, not
Shift_JIS), CRLF line ends (RFC 4180), and every text a citizen typed made safe: a cell
starting with =, +, - or @ would run as a formula there (CSV injection), so it gets a
leading '.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

Cell = str | int | None


def typed(text: str | None) -> str:
    """A text someone typed, safe to open in a spreadsheet."""
    value = text or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()
