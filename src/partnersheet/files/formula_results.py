"""Put saved formula results back into a workbook openpyxl wrote.

openpyxl writes a formula cell as `<c r="B2"><f>A2*2</f><v /></c>`, without the result the
spreadsheet had saved. A later read that goes by saved results (ours, or any program that
does not calculate) then finds nothing. For the cells whose results we read, this fills the
`<v>` in again.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

#: Sheet title → (row, column) → the result saved with that cell's formula.
FormulaResults = dict[str, dict[tuple[int, int], Any]]

_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
_FORMULA_CELL = re.compile(
    r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*)>(?P<f><f[^>]*/>|<f[^>]*>.*?</f>)<v\s*/></c>',
    re.DOTALL,
)


def _escape(text: str) -> str:
    """`text` as XML character data.

    (xml.sax.saxutils.escape does the same, but importing it imports urllib.request, and with
    it http, email and ssl: a fifth of a small review's start-up.)
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _result_xml(value: Any) -> tuple[str, str]:
    """The cell's type attribute and `<v>` text for a saved result."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, int | float):
        return "", repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return "", repr(float(to_excel(value)))
    text = str(value)
    if text in _ERRORS:
        return ' t="e"', text
    return ' t="str"', _escape(text)


def keep_formula_results(path: Path, parts: Mapping[str, Mapping[tuple[int, int], Any]]) -> None:
    """Write the results into the formula cells of the given sheet parts of `path`."""
    by_part = {
        part: {f"{get_column_letter(c)}{r}": v for (r, c), v in cells.items()}
        for part, cells in parts.items()
    }
    rewritten = path.with_name(path.name + ".results")
    try:
        with (
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                data = source.read(item.filename)
                results = by_part.get(item.filename)
                if results:
                    data = _fill(data.decode("utf-8"), results).encode("utf-8")
                target.writestr(item, data)
        shutil.move(rewritten, path)
    finally:
        rewritten.unlink(missing_ok=True)


def _fill(xml: str, results: Mapping[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        ref = match["ref"]
        if ref not in results:
            return match[0]
        kind, text = _result_xml(results[ref])
        attrs = re.sub(r'\s+t="[^"]*"', "", match["attrs"])
        return f'<c r="{ref}"{attrs}{kind}>{match["f"]}<v>{text}</v></c>'

    return _FORMULA_CELL.sub(replace, xml)
