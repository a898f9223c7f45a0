"""XML bombs and external entities inside a workbook are refused, with one sentence."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnersheet.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "partners.xlsx"

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def _with_part(tmp_path: Path, part: str, prolog: str, entity: str) -> Path:
    """A copy of the example whose `part` starts with `prolog` and uses `entity` in a text."""
    target = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                text = data.decode("utf-8")
                body = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
                body = body.replace("<t>Partner</t>", f"<t>&{entity};</t>", 1)
                body = body.replace('name="Partners"', f'name="&{entity};"', 1)
                data = (prolog + body).encode("utf-8")
            out.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("part", "prolog", "entity"),
    [
        ("xl/workbook.xml", LAUGHS, "lol3"),
        ("xl/worksheets/sheet1.xml", LAUGHS, "lol3"),
        ("xl/workbook.xml", EXTERNAL, "secret"),
        ("xl/worksheets/sheet1.xml", EXTERNAL, "secret"),
    ],
    ids=["bomb in workbook", "bomb in sheet", "external entity in workbook", "external in sheet"],
)
def test_hostile_xml_is_refused(tmp_path: Path, part: str, prolog: str, entity: str) -> None:
    hostile = _with_part(tmp_path, part, prolog, entity)
    before = hostile.read_bytes()
    result = CliRunner().invoke(main, ["review", str(hostile)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: hostile.xlsx contains XML with entity")
    assert "Traceback" not in result.output
    assert hostile.read_bytes() == before
