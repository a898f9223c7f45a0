"""What openpyxl drops on saving is found before a review in place, which then refuses.

Each kind is built into a real workbook: with XlsxWriter where it can make it, otherwise by
adding small parts written here by hand from the Office Open XML schemas (clearly minimal,
only what makes the feature recognisable). For each kind a test shows openpyxl really does
lose it, which is why partnersheet refuses; and the workbooks partnersheet itself writes, and
what openpyxl keeps, are not refused.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import (
    EXAMPLE,
    SMALL_PARTNERS,
    Formula,
    build_partners_workbook,
    digest,
    leftovers,
)
from partnersheet.cli import main
from partnersheet.files import losses as package
from partnersheet.files.formula_results import _fill
from partnersheet.files.losses import Loss, find_losses

#: A 1×1 PNG.
PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
NOTES = "xl/worksheets/sheet2.xml"  # the user's own sheet, after Partners
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
X15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
TC = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def openpyxl_round_trip(source: Path, target: Path) -> Path:
    """Load and save with openpyxl as partnersheet does (links kept, warnings quiet)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(source, keep_links=True).save(target)
    return target


# --- adding parts XlsxWriter cannot write ------------------------------------------------------


@dataclass
class Additions:
    """Parts to add to a package, with their content types and relationships."""

    parts: dict[str, str] = field(default_factory=dict)
    #: part name → content type
    types: dict[str, str] = field(default_factory=dict)
    #: source part → (id, type, target relative to the source's folder)
    rels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    #: sheet part → an <ext> element for its extension list
    extensions: dict[str, str] = field(default_factory=dict)
    #: sheet part → an element to put before its <pageMargins> (e.g. <drawing r:id=.../>)
    before_margins: dict[str, str] = field(default_factory=dict)


def _rels_name(part: str) -> str:
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def add_to_package(path: Path, additions: Additions) -> Path:
    parts = parts_of(path)
    for name, text in additions.parts.items():
        parts[name] = text.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>'
        for name, kind in additions.types.items()
    )
    parts["[Content_Types].xml"] = types.replace("</Types>", overrides + "</Types>").encode()
    for source, relationships in additions.rels.items():
        name = _rels_name(source)
        existing = parts.get(name, b"").decode("utf-8") or (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        )
        added = "".join(
            f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"/>'
            for rel_id, kind, target in relationships
        )
        parts[name] = existing.replace("</Relationships>", added + "</Relationships>").encode()
    for sheet, element in additions.before_margins.items():
        xml = parts[sheet].decode("utf-8")
        parts[sheet] = xml.replace("<pageMargins", element + "<pageMargins", 1).encode()
    for sheet, extension in additions.extensions.items():
        xml = parts[sheet].decode("utf-8")
        listed = xml.replace("</worksheet>", f"<extLst>{extension}</extLst></worksheet>")
        parts[sheet] = listed.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def partners_with(path: Path, notes: Callable[[Any, Any], None]) -> Path:
    """The small partners workbook with a user sheet "Notes" that `notes` fills in."""

    def extra(book: Any) -> None:
        notes(book, book.add_worksheet("Notes"))

    return build_partners_workbook(path, SMALL_PARTNERS, extra=extra)


def plain_notes(book: Any, sheet: Any) -> None:
    sheet.write_string("A1", "Band")
    sheet.write_string("A2", "Strong")


# --- the kinds openpyxl loses ---------------------------------------------------------------------


def text_box(path: Path) -> Path:
    return partners_with(path, lambda b, s: s.insert_textbox("B2", "Call Ann before the summer."))


def sparklines(path: Path) -> Path:
    def notes(book: Any, sheet: Any) -> None:
        sheet.write_row("A1", [3, 1, 4, 1, 5])
        sheet.add_sparkline("F1", {"range": "Notes!A1:E1"})

    return partners_with(path, notes)


def rich_text(path: Path) -> Path:
    def notes(book: Any, sheet: Any) -> None:
        bold = book.add_format({"bold": True, "font_color": "#C00000"})
        sheet.write_rich_string("A1", "Call Ann ", bold, "before", " the summer.")

    return partners_with(path, notes)


def resized_comment(path: Path) -> Path:
    # Three times as wide and twice as high as XlsxWriter's default box.
    return partners_with(
        path,
        lambda b, s: s.write_comment("A1", "A long note.", {"x_scale": 3, "y_scale": 2}),
    )


def dynamic_array(path: Path) -> Path:
    def notes(book: Any, sheet: Any) -> None:
        sheet.write_row("A1", [3, 1, 2])
        sheet.write_dynamic_array_formula("A3:C3", "=SORT(A1:C1,1,1,TRUE)")

    return partners_with(path, notes)


def data_bars_2010(path: Path) -> Path:
    def notes(book: Any, sheet: Any) -> None:
        sheet.write_column("A1", [3, 1, 2])
        sheet.conditional_format(
            "A1:A3", {"type": "data_bar", "bar_solid": True, "bar_border_color": "#C00000"}
        )

    return partners_with(path, notes)


def cell_picture(path: Path) -> Path:
    picture = path.with_name("logo.png")
    picture.write_bytes(PICTURE)
    return partners_with(path, lambda b, s: s.embed_image("B2", str(picture)))


def threaded_comment(path: Path) -> Path:
    # Excel keeps a plain comment beside each threaded one for older versions: XlsxWriter
    # writes that; the thread itself and the list of people are added by hand.
    partners_with(
        path, lambda b, s: s.write_comment("A1", "[Threaded comment] Call Ann.", {"author": "Sam"})
    )
    person = "{6C2A5E4B-0000-4000-8000-000000000001}"
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/threadedComments/threadedComment1.xml": (
                    f'<ThreadedComments xmlns="{TC}"><threadedComment ref="A1" '
                    f'dT="2026-11-22T10:00:00.00" personId="{person}" '
                    'id="{6C2A5E4B-0000-4000-8000-000000000002}"><text>Call Ann.</text>'
                    "</threadedComment></ThreadedComments>"
                ),
                "xl/persons/person.xml": (
                    f'<personList xmlns="{TC}"><person displayName="Sam" id="{person}" '
                    'userId="Sam" providerId="None"/></personList>'
                ),
            },
            types={
                "xl/threadedComments/threadedComment1.xml": (
                    "application/vnd.ms-excel.threadedcomments+xml"
                ),
                "xl/persons/person.xml": "application/vnd.ms-excel.person+xml",
            },
            rels={
                NOTES: [
                    (
                        "rIdThread1",
                        "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
                        "../threadedComments/threadedComment1.xml",
                    )
                ],
                "xl/workbook.xml": [
                    (
                        "rIdPersons",
                        "http://schemas.microsoft.com/office/2017/10/relationships/person",
                        "persons/person.xml",
                    )
                ],
            },
        ),
    )


SLICER_DRAWING = (
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:AlternateContent><mc:Choice xmlns:sle15="http://schemas.microsoft.com/office/drawing/'
    '2012/slicer" Requires="sle15"><xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col>'
    "<xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
    "<xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>10</xdr:row>"
    '<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
    '<xdr:cNvPr id="2" name="Band"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
    '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData '
    'uri="http://schemas.microsoft.com/office/drawing/2010/slicer"><sle:slicer '
    'xmlns:sle="http://schemas.microsoft.com/office/drawing/2010/slicer" name="Band"/>'
    "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
    "</mc:Choice><mc:Fallback><xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0"
    "</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>6"
    "</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>10</xdr:row><xdr:rowOff>0</xdr:rowOff>"
    '</xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" name="Band slicer"/>'
    '<xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"/></xdr:spPr><xdr:txBody>'
    "<a:bodyPr/><a:p><a:r><a:t>A slicer: use a newer Excel.</a:t></a:r></a:p></xdr:txBody>"
    "</xdr:sp><xdr:clientData/></xdr:twoCellAnchor></mc:Fallback></mc:AlternateContent>"
    "</xdr:wsDr>"
)


def slicer(path: Path) -> Path:
    # A table slicer on the Notes table's Band column: the slicer (with its place in a
    # drawing, and the text box older Excel shows instead), its cache, and the sheet's list.
    def notes(book: Any, sheet: Any) -> None:
        plain_notes(book, sheet)
        sheet.add_table("A1:A2", {"columns": [{"header": "Band"}]})

    partners_with(path, notes)
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/slicers/slicer1.xml": (
                    f'<slicers xmlns="{X14}"><slicer name="Band" cache="Slicer_Band" '
                    'caption="Band" rowHeight="241300"/></slicers>'
                ),
                "xl/slicerCaches/slicerCache1.xml": (
                    f'<slicerCacheDefinition xmlns="{X14}" name="Slicer_Band" sourceName="Band"/>'
                ),
                "xl/drawings/drawing9.xml": SLICER_DRAWING,
            },
            types={
                "xl/slicers/slicer1.xml": "application/vnd.ms-excel.slicer+xml",
                "xl/slicerCaches/slicerCache1.xml": "application/vnd.ms-excel.slicerCache+xml",
                "xl/drawings/drawing9.xml": "application/vnd.openxmlformats-officedocument"
                ".drawing+xml",
            },
            rels={
                NOTES: [
                    (
                        "rIdSlicer1",
                        "http://schemas.microsoft.com/office/2007/relationships/slicer",
                        "../slicers/slicer1.xml",
                    ),
                    ("rIdDrawing9", f"{OFFICE_RELS}/drawing", "../drawings/drawing9.xml"),
                ],
                "xl/workbook.xml": [
                    (
                        "rIdSlicerCache1",
                        "http://schemas.microsoft.com/office/2007/relationships/slicerCache",
                        "slicerCaches/slicerCache1.xml",
                    )
                ],
            },
            extensions={
                NOTES: (
                    f'<ext xmlns:x15="{X15}" uri="{{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}}">'
                    '<x15:slicerList><x15:slicer r:id="rIdSlicer1"/></x15:slicerList></ext>'
                )
            },
        ),
    )


def timeline(path: Path) -> Path:
    partners_with(path, plain_notes)
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/timelines/timeline1.xml": (
                    f'<timelines xmlns="{X15}"><timeline name="Last contact" '
                    'cache="NativeTimeline_Last_contact" caption="Last contact" level="2" '
                    'selectionLevel="2"/></timelines>'
                ),
                "xl/timelineCaches/timelineCache1.xml": (
                    f'<timelineCacheDefinition xmlns="{X15}" '
                    'name="NativeTimeline_Last_contact" sourceName="Last contact"/>'
                ),
            },
            types={
                "xl/timelines/timeline1.xml": "application/vnd.ms-excel.timeline+xml",
                "xl/timelineCaches/timelineCache1.xml": (
                    "application/vnd.ms-excel.timelineCache+xml"
                ),
            },
            rels={
                NOTES: [
                    (
                        "rIdTimeline1",
                        "http://schemas.microsoft.com/office/2011/relationships/timeline",
                        "../timelines/timeline1.xml",
                    )
                ],
                "xl/workbook.xml": [
                    (
                        "rIdTimelineCache1",
                        "http://schemas.microsoft.com/office/2011/relationships/timelineCache",
                        "timelineCaches/timelineCache1.xml",
                    )
                ],
            },
            extensions={
                NOTES: (
                    f'<ext xmlns:x15="{X15}" uri="{{7E03D99C-DC04-49d9-9315-930204A7B6E9}}">'
                    '<x15:timelineRefs><x15:timelineRef r:id="rIdTimeline1"/>'
                    "</x15:timelineRefs></ext>"
                )
            },
        ),
    )


def custom_xml(path: Path) -> Path:
    # Data a document library (or an add-in) keeps with the workbook, and its properties.
    partners_with(path, plain_notes)
    return add_to_package(
        path,
        Additions(
            parts={
                "customXml/item1.xml": (
                    '<partners xmlns="urn:partnersheet:test"><owner>Sam</owner></partners>'
                ),
                "customXml/itemProps1.xml": (
                    '<ds:datastoreItem ds:itemID="{6C2A5E4B-0000-4000-8000-000000000003}" '
                    'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
                    "<ds:schemaRefs/></ds:datastoreItem>"
                ),
            },
            types={
                "customXml/itemProps1.xml": (
                    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
                )
            },
            rels={
                "customXml/item1.xml": [
                    ("rIdProps1", f"{OFFICE_RELS}/customXmlProps", "itemProps1.xml")
                ],
                "xl/workbook.xml": [
                    ("rIdCustom1", f"{OFFICE_RELS}/customXml", "../customXml/item1.xml")
                ],
            },
        ),
    )


def validation_2010(path: Path) -> Path:
    # A list drawn from another sheet, in the form Excel 2010 wrote it.
    def notes(book: Any, sheet: Any) -> None:
        plain_notes(book, sheet)
        book.add_worksheet("Lists").write_column("A1", ["Call", "Email", "Lunch"])

    partners_with(path, notes)
    return add_to_package(
        path,
        Additions(
            extensions={
                NOTES: (
                    f'<ext xmlns:x14="{X14}" uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}">'
                    '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/'
                    '2006/main" count="1"><x14:dataValidation type="list" allowBlank="1">'
                    "<x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1>"
                    "<xm:sqref>B2:B20</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
                )
            }
        ),
    )


def future_extension(path: Path) -> Path:
    # An extension no program knows (its URI made up here): openpyxl drops every one.
    partners_with(path, plain_notes)
    return add_to_package(
        path,
        Additions(
            extensions={
                NOTES: (
                    '<ext uri="{6C2A5E4B-0000-4000-8000-00000000CAFE}" '
                    'xmlns:future="urn:partnersheet:future"><future:setting on="1"/></ext>'
                )
            }
        ),
    )


def _any_part(pattern: bytes, where: str = "") -> Callable[[Path], bool]:
    regex = re.compile(pattern)
    return lambda path: any(
        regex.search(data) for name, data in parts_of(path).items() if name.startswith(where)
    )


def _in_cells(pattern: bytes) -> Callable[[Path], bool]:
    """Whether the cells' text (shared strings, or strings in the sheets) matches."""
    regex = re.compile(pattern)
    return lambda path: any(
        regex.search(data)
        for name, data in parts_of(path).items()
        if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/")
    )


def _folder(folder: str) -> Callable[[Path], bool]:
    return lambda path: any(n.startswith(folder) for n in parts_of(path))


@dataclass(frozen=True)
class Lossy:
    """A kind of content openpyxl drops, a workbook holding it, and how to see it there."""

    name: str
    kind: str
    build: Callable[[Path], Path]
    present: Callable[[Path], bool]
    sheet: str | None = "Notes"


LOSSY = [
    Lossy(
        "text box",
        package.SHAPES,
        text_box,
        _any_part(rb"Call Ann before the summer", "xl/drawings/"),
    ),
    Lossy("sparklines", package.SPARKLINES, sparklines, _any_part(rb"sparklineGroup")),
    Lossy(
        "rich text",
        package.RICH_TEXT,
        rich_text,
        _in_cells(rb"<(\w+:)?r>\s*<(\w+:)?(rPr|t)>"),
    ),
    Lossy(
        "resized comment",
        package.COMMENT_SIZES,
        resized_comment,
        _any_part(rb"width:288pt;height:111pt", "xl/drawings/"),
    ),
    Lossy(
        "dynamic array formula",
        package.DYNAMIC_ARRAYS,
        dynamic_array,
        _any_part(rb'<c [^>]*\bcm="1"', "xl/worksheets/"),
    ),
    Lossy(
        "Excel 2010 data bars",
        package.CONDITIONAL_2010,
        data_bars_2010,
        _any_part(rb"<x14:dataBar ", "xl/worksheets/"),
    ),
    Lossy("picture in a cell", package.CELL_PICTURES, cell_picture, _folder("xl/richData/")),
    Lossy("threaded comment", package.THREADED_COMMENTS, threaded_comment, _folder("xl/threaded")),
    Lossy("slicer", package.SLICERS, slicer, _folder("xl/slicers/")),
    Lossy("timeline", package.TIMELINES, timeline, _folder("xl/timelines/")),
    Lossy("custom XML", package.CUSTOM_XML, custom_xml, _folder("customXml/"), sheet=None),
    Lossy(
        "Excel 2010 data validation",
        package.VALIDATION_2010,
        validation_2010,
        _any_part(rb"<x14:dataValidation ", "xl/worksheets/"),
    ),
    Lossy(
        "an unknown sheet extension",
        package.OTHER_SHEET_EXTENSIONS,
        future_extension,
        _any_part(rb"urn:partnersheet:future", "xl/worksheets/"),
    ),
]
IDS = [lossy.name for lossy in LOSSY]


@pytest.fixture(params=LOSSY, ids=IDS)
def lossy(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Lossy, Path]:
    case: Lossy = request.param
    return case, case.build(tmp_path / "partners.xlsx")


def test_the_scan_names_what_and_where(lossy: tuple[Lossy, Path]) -> None:
    case, path = lossy
    assert find_losses(path) == [Loss(case.kind, case.sheet)]


def test_openpyxl_really_loses_it(lossy: tuple[Lossy, Path]) -> None:
    # Why partnersheet refuses: loaded and saved by openpyxl, the feature is gone.
    case, path = lossy
    assert case.present(path), "the workbook built for the test lacks what it is about"
    saved = openpyxl_round_trip(path, path.with_name("saved.xlsx"))
    assert not case.present(saved)
    assert find_losses(saved) == []


def state(path: Path) -> tuple[str, int]:
    return digest(path), path.stat().st_mtime_ns


def test_review_in_place_refuses_and_names_it(
    lossy: tuple[Lossy, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, path = lossy
    monkeypatch.chdir(path.parent)
    before = state(path)
    result = run("review", "partners.xlsx", "--date", "2026-11-22")
    where = f" on sheet {case.sheet}" if case.sheet else ""
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: partners.xlsx holds {case.kind}{where}, which partnersheet cannot keep when it "
        "saves the workbook; write the review to a copy with --output and this file stays as "
        "it is, or run again with --accept-loss to review it in place without them.\n"
    )
    assert state(path) == before
    assert leftovers(path.parent) == []


def test_a_copy_may_always_be_written(
    lossy: tuple[Lossy, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, path = lossy
    monkeypatch.chdir(path.parent)
    before = state(path)
    result = run("review", "partners.xlsx", "--output", "copy.xlsx", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert state(path) == before
    assert case.present(path)
    assert openpyxl.load_workbook("copy.xlsx")["Review"]["A1"].value == (
        "Partnership review, 22 November 2026"
    )


def test_accept_loss_reviews_in_place_without_it(
    lossy: tuple[Lossy, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, path = lossy
    monkeypatch.chdir(path.parent)
    result = run("review", "partners.xlsx", "--accept-loss", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert not case.present(path)
    assert openpyxl.load_workbook(path)["Review"]["A1"].value == (
        "Partnership review, 22 November 2026"
    )
    assert leftovers(path.parent) == []


@pytest.mark.parametrize("command", [["check"], ["review", "--dry-run"]], ids=" ".join)
def test_what_writes_nothing_never_refuses(
    lossy: tuple[Lossy, Path], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    _, path = lossy
    monkeypatch.chdir(path.parent)
    before = state(path)
    result = run(command[0], "partners.xlsx", *command[1:])
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert state(path) == before


def test_several_kinds_make_one_message(tmp_path: Path) -> None:
    def notes(book: Any, sheet: Any) -> None:
        sheet.insert_textbox("B2", "Call Ann.")
        sheet.write_row("A1", [3, 1, 4])
        sheet.add_sparkline("E1", {"range": "Notes!A1:C1"})
        book.add_worksheet("Plans").insert_textbox("B2", "Plan.")

    path = partners_with(tmp_path / "partners.xlsx", notes)
    message = package.loss_message("partners.xlsx", find_losses(path))
    assert message.startswith(
        "partners.xlsx holds text boxes or shapes on sheets Notes and Plans and sparklines on "
        "sheet Notes, which partnersheet cannot keep"
    )


# --- what is not refused -------------------------------------------------------------------------


def kept(name: str, notes: Callable[[Any, Any], None]) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        return partners_with(path, notes)

    build.__name__ = name
    return build


def with_picture(book: Any, sheet: Any) -> None:
    sheet.insert_image("B2", "logo.png", {"image_data": io.BytesIO(PICTURE)})


def with_chart(book: Any, sheet: Any) -> None:
    sheet.write_column("A1", [3, 1, 2])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Notes!$A$1:$A$3"})
    sheet.insert_chart("C2", chart)


def with_plain_data_bars(book: Any, sheet: Any) -> None:
    sheet.write_column("A1", [3, 1, 2])
    sheet.conditional_format("A1:A3", {"type": "data_bar"})


def with_comment(book: Any, sheet: Any) -> None:
    sheet.write_comment("A1", "Check with the accountant.", {"author": "Sam"})


#: Things openpyxl keeps, each with how to see it after a save.
KEPT: list[tuple[str, Callable[[Any, Any], None], Callable[[Path], bool]]] = [
    ("picture", with_picture, _folder("xl/media/")),
    ("chart", with_chart, _folder("xl/charts/")),
    ("plain data bars", with_plain_data_bars, _any_part(rb"<dataBar", "xl/worksheets/")),
    ("comment of the usual size", with_comment, _any_part(rb"Check with the accountant")),
]


@pytest.mark.parametrize(("name", "notes", "present"), KEPT, ids=[k[0] for k in KEPT])
def test_what_openpyxl_keeps_is_not_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    notes: Callable[[Any, Any], None],
    present: Callable[[Path], bool],
) -> None:
    monkeypatch.chdir(tmp_path)
    path = partners_with(tmp_path / "partners.xlsx", notes)
    assert present(path)
    assert find_losses(path) == []
    result = run("review", "partners.xlsx", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert present(path), f"the {name} was lost"
    assert find_losses(path) == []


def test_partnersheets_own_workbooks_are_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("new", "empty.xlsx").exit_code == 0
    assert run("new", "example.xlsx", "--example").exit_code == 0
    for name in ("empty.xlsx", "example.xlsx"):
        assert find_losses(tmp_path / name) == [], name
    assert find_losses(EXAMPLE) == []


def test_the_example_is_reviewed_twice_in_place_without_any_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "partners.xlsx")
    for day in ("2026-11-22", "2026-11-23"):
        result = run("review", "partners.xlsx", "--date", day)
        assert (result.exit_code, result.stderr) == (0, ""), result.output
        # The review's own chart is no loss.
        assert find_losses(tmp_path / "partners.xlsx") == []
    assert any(n.startswith("xl/charts/") for n in parts_of(tmp_path / "partners.xlsx"))


def test_a_person_laid_out_workbook_is_not_refused(tmp_path: Path) -> None:
    # Formats, comments, validation, conditional formats, a chart, names, a hidden sheet.
    from test_roundtrip import build_rich_workbook

    path = build_rich_workbook(tmp_path / "partners.xlsx")
    assert find_losses(path) == []


def test_a_macro_workbook_with_a_form_button_is_not_refused(tmp_path: Path) -> None:
    from test_roundtrip import build_macro_workbook, vba_project

    vba = vba_project(tmp_path)
    path = build_macro_workbook(tmp_path / "partners.xlsm", vba)
    assert b'ObjectType="Button"' in b"".join(
        data for name, data in parts_of(path).items() if name.endswith(".vml")
    )
    assert find_losses(path) == []
    result = run("review", str(path), "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert find_losses(path) == []


def drawing_with(shape: str) -> Additions:
    """A drawing on Notes holding one anchored `shape`."""
    drawing = (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
        'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main">'
        f"{shape}</xdr:wsDr>"
    )
    return Additions(
        parts={"xl/drawings/drawing9.xml": drawing},
        types={
            "xl/drawings/drawing9.xml": "application/vnd.openxmlformats-officedocument.drawing+xml"
        },
        rels={NOTES: [("rIdDrawing9", f"{OFFICE_RELS}/drawing", "../drawings/drawing9.xml")]},
    )


ANCHOR = (
    "<xdr:twoCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1"
    "</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>3</xdr:col><xdr:colOff>0"
    "</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>{}<xdr:clientData/>"
    "</xdr:twoCellAnchor>"
)
BUTTON_MIRROR = (
    '<mc:AlternateContent><mc:Choice Requires="a14">'
    + ANCHOR.format(
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="1025" name="Button 1" '
        'hidden="1"><a:extLst><a:ext uri="{63B3BB69-23CF-44E3-9099-C40C66FF867C}">'
        '<a14:compatExt spid="_x0000_s1025"/></a:ext></a:extLst></xdr:cNvPr><xdr:cNvSpPr/>'
        "</xdr:nvSpPr><xdr:spPr/></xdr:sp>"
    )
    + "</mc:Choice></mc:AlternateContent>"
)
GROUP = ANCHOR.format(
    '<xdr:grpSp><xdr:nvGrpSpPr><xdr:cNvPr id="2" name="Group 1"/><xdr:cNvGrpSpPr/>'
    '</xdr:nvGrpSpPr><xdr:grpSpPr/><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" '
    'name="Arrow 2"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr/></xdr:sp></xdr:grpSp>'
)
SMARTART = ANCHOR.format(
    '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="4" name="Diagram 3"/>'
    "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm/><a:graphic><a:graphicData "
    'uri="http://schemas.openxmlformats.org/drawingml/2006/diagram"/></a:graphic>'
    "</xdr:graphicFrame>"
)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (BUTTON_MIRROR, []),
        (GROUP, [Loss(package.SHAPES, "Notes")]),
        (SMARTART, [Loss(package.OTHER_DRAWINGS, "Notes")]),
    ],
    ids=["form button's mirror of its VML", "group of shapes", "SmartArt"],
)
def test_drawn_objects_are_told_apart(tmp_path: Path, shape: str, expected: list[Loss]) -> None:
    # Excel 2010 and later mirror each form control of the VML drawing with a hidden shape
    # marked compatExt; openpyxl keeps the VML control in a macro workbook, so that is no loss.
    path = add_to_package(
        partners_with(tmp_path / "partners.xlsx", plain_notes), drawing_with(shape)
    )
    assert find_losses(path) == expected


# --- formula results ------------------------------------------------------------------------------


def calc_properties(path: Path) -> str:
    match = re.search(r"<calcPr\b[^>]*>", parts_of(path)["xl/workbook.xml"].decode("utf-8"))
    assert match is not None
    return match[0]


@pytest.mark.parametrize(
    ("written", "after"),
    [
        ('<calcPr calcId="191029"/>', 'fullCalcOnLoad="1"'),
        ('<calcPr calcId="191029" fullCalcOnLoad="0"/>', 'fullCalcOnLoad="0"'),
    ],
    ids=["as Excel writes it", "full calculation switched off"],
)
def test_formula_results_are_kept_where_read_and_recalculated_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, after: str
) -> None:
    # Not a refusal: saved results of formulas on the sheets partnersheet reads are written
    # back; on other sheets openpyxl drops them, and marks the workbook for a full
    # calculation on opening, unless the workbook itself said not to.
    monkeypatch.chdir(tmp_path)

    def notes(book: Any, sheet: Any) -> None:
        sheet.write_number("B2", 1200)
        sheet.write_formula("B3", "=B2*12", None, 14400)

    partners = [dict(SMALL_PARTNERS[0], **{"Hours per month": Formula("=2+2", 4)})]

    def extra(book: Any) -> None:
        notes(book, book.add_worksheet("Notes"))

    path = build_partners_workbook(tmp_path / "partners.xlsx", partners, extra=extra)
    parts = parts_of(path)
    parts["xl/workbook.xml"] = re.sub(
        rb"<calcPr\b[^>]*/>", written.encode(), parts["xl/workbook.xml"]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert find_losses(path) == []
    result = run("review", "partners.xlsx", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    saved = parts_of(path)
    partners_sheet = saved["xl/worksheets/sheet1.xml"].decode("utf-8")
    notes_sheet = next(
        data.decode("utf-8")
        for name, data in saved.items()
        if name.startswith("xl/worksheets/sheet") and b"B2*12" in data
    )
    assert re.search(r"<f>2\+2</f><v>4</v>", partners_sheet)
    assert re.search(r"<f>B2\*12</f><v\s*/>", notes_sheet)
    assert after in calc_properties(path)


# --- speed ----------------------------------------------------------------------------------------


NUMBERS = (4, 3, 2, 1500.5, 46027, 5, 4, 3, 2, 1, 5, 4, 12, 7, 2.5, 100)


def big_workbook(path: Path, rows: int, *, rich_at_end: bool) -> Path:
    """A workbook of `rows` partner-like rows written straight as XML (XlsxWriter would take
    a minute), with shared strings; optionally one rich string, used only in the last row."""
    strings = [f"<si><t>Partner {n}</t></si>" for n in range(rows)]
    strings.append("<si><t>Accounting</t></si>")
    if rich_at_end:
        strings.append("<si><r><rPr><b/></rPr><t>bold</t></r><r><t> note</t></r></si>")
    common = rows
    cells = []
    for n in range(1, rows + 1):
        last = len(strings) - 1 if rich_at_end and n == rows else common
        numbers = "".join(
            f'<c r="{column}{n}"><v>{value}</v></c>'
            for column, value in zip("CDEFGHIJKLMNOPQR", NUMBERS, strict=True)
        )
        cells.append(
            f'<row r="{n}" spans="1:19"><c r="A{n}" t="s"><v>{n - 1}</v></c><c r="B{n}" t="s">'
            f'<v>{last}</v></c>{numbers}<c r="S{n}" t="s"><v>{common}</v></c></row>'
        )
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = f'<worksheet xmlns="{main_ns}"><sheetData>{"".join(cells)}</sheetData></worksheet>'
    shared = f'<sst xmlns="{main_ns}" count="{len(strings)}">{"".join(strings)}</sst>'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main_ns}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Partners" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("rich_at_end", [False, True], ids=["plain", "one rich string at the end"])
def test_the_scan_is_fast_on_100000_rows(tmp_path: Path, rich_at_end: bool) -> None:
    path = big_workbook(tmp_path / "big.xlsx", 100_000, rich_at_end=rich_at_end)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 30_000_000
    started = time.perf_counter()
    found = find_losses(path)
    elapsed = time.perf_counter() - started
    assert found == ([Loss(package.RICH_TEXT, "Partners")] if rich_at_end else [])
    assert elapsed < 5, f"{elapsed:.2f} s"


def test_patterns_cut_by_a_chunk_boundary_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read in chunks of 7 bytes, every pattern is cut somewhere: each is still found.
    monkeypatch.setattr(package, "_CHUNK", 7)
    monkeypatch.setattr(package, "_OVERLAP", 400)  # still longer than any tag here
    for build, kind in [
        (rich_text, package.RICH_TEXT),
        (dynamic_array, package.DYNAMIC_ARRAYS),
        (sparklines, package.SPARKLINES),
        (resized_comment, package.COMMENT_SIZES),
    ]:
        path = build(tmp_path / f"{kind[:10]}.xlsx")
        assert find_losses(path) == [Loss(kind, "Notes")], kind


def test_a_loss_names_its_sheet_as_the_workbook_spells_it(tmp_path: Path) -> None:
    # Sheet names are attribute values in workbook.xml: &, <, > and quotes come escaped.
    title = 'R&D <"Q4"> & Tom\'s'

    def extra(book: Any) -> None:
        bold = book.add_format({"bold": True})
        book.add_worksheet(title).write_rich_string("A1", "Call ", bold, "Ann")

    path = build_partners_workbook(tmp_path / "named.xlsx", SMALL_PARTNERS, extra=extra)
    with zipfile.ZipFile(path) as archive:
        assert "R&amp;D &lt;" in archive.read("xl/workbook.xml").decode("utf-8")
    assert find_losses(path) == [Loss(package.RICH_TEXT, title)]


def test_attribute_values_are_unescaped_as_xml_says() -> None:
    cases = {
        "plain": "plain",
        "a &amp; b": "a & b",
        "&lt;&gt;&quot;&apos;": "<>\"'",
        "&#65;&#x42;&#x1F600;": "AB\U0001f600",
        "&amp;lt;": "&lt;",  # replaced once, not twice
        "&nbsp; &#x110000; &#;": "&nbsp; &#x110000; &#;",  # not XML's: left as written
    }
    for written, meant in cases.items():
        assert package._unescape(written) == meant, written


def test_a_text_result_is_kept_as_xml_reads_it() -> None:
    written = '<c r="A1" t="str"><f>B1&amp;"&lt;"</f><v/></c>'
    text = 'R&D <"Q4"> & Tom\'s'
    filled = _fill(written, {"A1": text})
    assert ElementTree.fromstring(filled).findtext("v") == text
    assert ElementTree.fromstring(filled).get("t") == "str"


def test_every_kind_is_covered() -> None:
    # OTHER_DRAWINGS is covered by test_drawn_objects_are_told_apart.
    assert set(package.KINDS) == {case.kind for case in LOSSY} | {package.OTHER_DRAWINGS}


@pytest.mark.libreoffice
def test_libreoffice_with_its_default_settings_calculates_the_dropped_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LibreOffice's default for Office files keeps the results saved in the file; a formula
    # whose result openpyxl dropped is calculated all the same when the file is opened.
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is not installed; CI must install it (see .ci/run)")
        pytest.skip("soffice is not installed")
    monkeypatch.chdir(tmp_path)

    def notes(book: Any, sheet: Any) -> None:
        sheet.write_number("B2", 1200)
        sheet.write_formula("B3", "=B2*12", None, 14400)

    path = partners_with(tmp_path / "partners.xlsx", notes)
    assert run("review", "partners.xlsx", "--date", "2026-11-22").exit_code == 0
    assert re.search(rb"<f>B2\*12</f><v\s*/>", b"".join(parts_of(path).values()))
    profile = tmp_path / "profile"  # a new profile: LibreOffice's default settings
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path / "csv"),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    notes_csv = tmp_path / "csv" / "partners-Notes.csv"
    assert notes_csv.exists(), "LibreOffice wrote no Notes sheet"
    assert notes_csv.read_text().splitlines()[1:3] == [",1200", ",14400"]
