"""A corpus of files partnersheet must refuse, each built here from plain bytes.

Nothing opaque is checked in: every file is made by the builders below, with XlsxWriter,
zipfile, or by writing the few bytes a format needs (a zip's headers, an OLE compound file's
header, allocation table and directory). `CASES` lists each file with the distinctive part
of the message partnersheet must give for it; `test_hostile.py` runs them all.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import SMALL_PARTNERS, build_partners_workbook, new_xlsxwriter_book
from test_xml_safety import EXTERNAL, LAUGHS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MIB = 1024 * 1024
GIB = 1024 * MIB


# --- zip files written byte by byte ------------------------------------------------------------


@dataclass(frozen=True)
class RawEntry:
    """One part of a zip written by hand: what its headers say, and the bytes stored."""

    name: str
    stored: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def deflated(name: str, data: bytes) -> RawEntry:
    """An honest entry: `data` deflated, with its true size and checksum."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return RawEntry(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def write_raw_zip(path: Path, entries: list[RawEntry]) -> Path:
    """A zip file with exactly these headers (local headers, central directory, end record)."""
    body = io.BytesIO()
    directory = io.BytesIO()
    dos_date = (0 << 9) | (1 << 5) | 1  # 1980-01-01
    for entry in entries:
        name = entry.name.encode("utf-8")
        offset = body.tell()
        body.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                entry.flags,
                entry.method,
                0,
                dos_date,
                entry.crc,
                len(entry.stored),
                entry.size,
                len(name),
                0,
            )
        )
        body.write(name + entry.stored)
        directory.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                entry.flags,
                entry.method,
                0,
                dos_date,
                entry.crc,
                len(entry.stored),
                entry.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        directory.write(name)
    end = struct.pack(
        "<IHHHHIIH",
        0x06054B50,
        0,
        0,
        len(entries),
        len(entries),
        directory.tell(),
        body.tell(),
        0,
    )
    path.write_bytes(body.getvalue() + directory.getvalue() + end)
    return path


def workbook_entries(folder: Path) -> dict[str, bytes]:
    """The parts of a small, real partners workbook written by XlsxWriter."""
    path = build_partners_workbook(folder / "source-for-parts.xlsx", SMALL_PARTNERS)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    path.unlink()
    return parts


@functools.cache
def deflated_zeros(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes (a whole number of MiB), and its CRC-32.

    One MiB is deflated once and flushed so that it refers to nothing before it; that piece
    repeated is a valid stream, which is how a 1 MB file can inflate to 1 GB.
    """
    assert size % MIB == 0
    zeros = bytes(MIB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(zeros, crc)
    return piece * (size // MIB) + packer.flush(zlib.Z_FINISH), crc


def zip_bomb(path: Path, size: int = GIB) -> Path:
    """A workbook whose first sheet truly inflates to `size` bytes of zeros (1 GiB: ~1 MB)."""
    stored, crc = deflated_zeros(size)
    entries = [
        RawEntry("xl/worksheets/sheet1.xml", stored, crc, size)
        if name == "xl/worksheets/sheet1.xml"
        else deflated(name, data)
        for name, data in workbook_entries(path.parent).items()
    ]
    return write_raw_zip(path, entries)


def declared_bomb(path: Path) -> Path:
    """Three small parts that each claim to unpack to 400 MB: 1.2 GB in all."""
    entries = [deflated(name, data) for name, data in workbook_entries(path.parent).items()]
    for number in range(3):
        fake = deflated(f"xl/media/image{number + 1}.png", b"tiny")
        entries.append(RawEntry(fake.name, fake.stored, fake.crc, 400_000_000))
    return write_raw_zip(path, entries)


def understated_part(path: Path, *, crc_of_prefix: bool = False) -> Path:
    """A workbook whose first sheet declares 100 bytes but inflates to all of its XML.

    With the checksum of the whole XML, zipfile stops after 100 bytes and reports a bad
    CRC-32; with the checksum of the first 100 bytes, it silently returns those 100 bytes.
    """
    entries = []
    for name, data in workbook_entries(path.parent).items():
        entry = deflated(name, data)
        if name == "xl/worksheets/sheet1.xml":
            crc = zlib.crc32(data[:100]) if crc_of_prefix else entry.crc
            entry = RawEntry(name, entry.stored, crc, 100)
        entries.append(entry)
    return write_raw_zip(path, entries)


def password_zip(path: Path) -> Path:
    """A workbook's parts in a zip whose entries are marked encrypted (zip passwords)."""
    entries = [deflated(name, data) for name, data in workbook_entries(path.parent).items()]
    return write_raw_zip(
        path, [RawEntry(e.name, e.stored, e.crc, e.size, e.method, flags=0x1) for e in entries]
    )


def bzip2_zip(path: Path) -> Path:
    """A real workbook's parts, compressed with bzip2, which Excel never writes."""
    parts = workbook_entries(path.parent)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


# --- OLE compound files ------------------------------------------------------------------------


def compound_file(path: Path, streams: list[str]) -> Path:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding empty streams.

    Sector -1 is the header, sector 0 the allocation table, sector 1 the directory: a root
    entry and one entry per stream, each stream a right sibling of the one before.
    """
    end_of_chain, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = OLE_MAGIC
    # minor version, major version 3, little-endian mark, 512-byte sectors, 64-byte mini sectors
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    # directory sectors (0 in version 3), allocation table sectors, first directory sector,
    # transaction, mini stream cutoff, first mini table sector, mini sectors, first DIFAT
    # sector, DIFAT sectors; then the first DIFAT entry: the allocation table is sector 0
    struct.pack_into(
        "<IIIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0, 0
    )
    struct.pack_into("<108I", header, 80, *([free] * 108))
    table = struct.pack("<128I", fat_sector, end_of_chain, *([free] * 126))

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        data = bytearray(128)
        data[0 : len(encoded)] = encoded
        struct.pack_into("<HBBIII", data, 64, len(encoded), kind, 1, no_stream, right, child)
        struct.pack_into("<IQ", data, 116, end_of_chain, 0)
        return bytes(data)

    entries = [entry("Root Entry", 5, no_stream, 1 if streams else no_stream)]
    for number, name in enumerate(streams, start=1):
        right = number + 1 if number < len(streams) else no_stream
        entries.append(entry(name, 2, right, no_stream))
    unused = bytearray(128)
    struct.pack_into("<III", unused, 68, no_stream, no_stream, no_stream)
    directory = b"".join(entries) + bytes(unused) * (4 - len(entries))
    path.write_bytes(bytes(header) + table + directory)
    return path


# --- everything else -------------------------------------------------------------------------


def text(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def small_zip(entries: dict[str, bytes]) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
        return path

    return make


def truncated(path: Path) -> Path:
    data = build_partners_workbook(path, SMALL_PARTNERS).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def opendocument(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return path


def binary_workbook(path: Path) -> Path:
    return small_zip(
        {
            "[Content_Types].xml": b'<Types><Override PartName="/xl/workbook.bin" '
            b'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.bin": b"\x83\x01\x00",
        }
    )(path)


def without_content_types(path: Path) -> Path:
    parts = workbook_entries(path.parent)
    del parts["[Content_Types].xml"]
    return small_zip(parts)(path)


def with_part_changed(part: str, change: Callable[[str], str]) -> Callable[[Path], Path]:
    """A small partners workbook with one part's XML changed."""

    def make(path: Path) -> Path:
        parts = workbook_entries(path.parent)
        parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")
        return small_zip(parts)(path)

    return make


def _prolog(prolog: str, xml: str) -> str:
    body = xml[xml.index("?>") + 2 :] if xml.startswith("<?xml") else xml
    return prolog + body


def entities_in_sheet(prolog: str, entity: str) -> Callable[[Path], Path]:
    row = f'<row r="1000"><c r="A1000" t="inlineStr"><is><t>&{entity};</t></is></c></row>'
    return with_part_changed(
        "xl/worksheets/sheet1.xml",
        lambda xml: _prolog(prolog, xml).replace("</sheetData>", row + "</sheetData>"),
    )


def entities_in_workbook(prolog: str, entity: str) -> Callable[[Path], Path]:
    return with_part_changed(
        "xl/workbook.xml",
        lambda xml: _prolog(prolog, xml).replace('name="Partners"', f'name="&{entity};"', 1),
    )


def entities_in_drawing(path: Path) -> Path:
    """A text box whose drawing declares an external entity and uses it."""

    def text_box(book: object) -> None:
        book.add_worksheet("Notes").insert_textbox("B2", "MARKER")  # type: ignore[attr-defined]

    build_partners_workbook(path, SMALL_PARTNERS, extra=text_box)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/drawings/drawing1.xml"].decode("utf-8")
    parts["xl/drawings/drawing1.xml"] = (
        _prolog(EXTERNAL, xml).replace("MARKER", "&secret;").encode("utf-8")
    )
    return small_zip(parts)(path)


def slow_search_patterns(path: Path) -> Path:
    """Parts full of the starts of what partnersheet searches for, never finished: a search
    that went back or forward without bound from each would take hours."""
    parts = workbook_entries(path.parent)
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    unfinished = "<x " + ' cm="1' * 300_000 + ' t="s"' * 300_000
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "</sheetData>", unfinished + "</sheetData>"
    ).encode("utf-8")
    strings = parts["xl/sharedStrings.xml"].decode("utf-8")
    parts["xl/sharedStrings.xml"] = strings.replace(
        "</sst>", "<si><r><t>rich</t></r></si>" + "<si" * 300_000 + "</sst>"
    ).encode("utf-8")
    parts["xl/drawings/vmlDrawing1.vml"] = b"<xml>" + b"<v:shape " * 300_000 + b"</xml>"
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>'
    )
    return small_zip(parts)(path)


def absurd_used_range(path: Path) -> Path:
    """A Partners sheet with a value in A1 and one in XFD1048576, the last cell there is."""
    book = new_xlsxwriter_book(path)
    sheet = book.add_worksheet("Partners")
    sheet.write_string("A1", "Partner")
    sheet.write_string(1_048_575, 16_383, "far away")
    book.close()
    return path


# --- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A file partnersheet must refuse: its name, how to make it, and the telling words."""

    name: str
    filename: str
    #: None: the file is left missing.
    build: Callable[[Path], Path] | None
    #: A distinctive part of the one message expected, on every command.
    message: str


CASES: list[Case] = [
    Case(
        "not a zip",
        "notes.xlsx",
        text(b"Partner,Trust\nAnn Patel,5\n"),
        "notes.xlsx is not an Excel workbook, or it is damaged or cut short",
    ),
    Case("empty", "empty.xlsx", text(b""), "empty.xlsx is empty (0 bytes)"),
    Case(
        "truncated zip",
        "half.xlsx",
        truncated,
        "half.xlsx is not an Excel workbook, or it is damaged or cut short",
    ),
    Case(
        "xls",
        "old.xls",
        lambda p: compound_file(p, ["Workbook"]),
        "old.xls is an old-style Excel 97-2003 workbook (.xls)",
    ),
    Case(
        "encrypted xlsx",
        "locked.xlsx",
        lambda p: compound_file(p, ["EncryptionInfo", "EncryptedPackage"]),
        "locked.xlsx is protected with a password",
    ),
    Case("ods", "partners.ods", opendocument, "partners.ods is an OpenDocument spreadsheet (.ods)"),
    Case("xlsb", "binary.xlsb", binary_workbook, "binary.xlsb is an Excel Binary Workbook"),
    Case(
        "zip not a workbook",
        "photos.xlsx",
        small_zip({"holiday.txt": b"not a workbook"}),
        "photos.xlsx is a zip file but not an Excel workbook",
    ),
    Case("directory", "folder.xlsx", folder, "folder.xlsx is a folder, not a workbook"),
    Case("missing file", "missing.xlsx", None, "missing.xlsx: there is no such file"),
    Case(
        "zip bomb, 1 GB sheet in a 1 MB file",
        "bomb.xlsx",
        zip_bomb,
        "its part xl/worksheets/sheet1.xml would unpack to 1,074 MB, more than the 500 MB",
    ),
    Case(
        "zip bomb by declared sizes in all",
        "claims.xlsx",
        declared_bomb,
        "its parts would unpack to 1,200 MB together, more than the 1,000 MB",
    ),
    Case(
        "part larger than it declares",
        "understated.xlsx",
        understated_part,
        "understated.xlsx could not be read: its sheet Partners (xl/worksheets/sheet1.xml) is "
        "damaged",
    ),
    Case(
        "password-protected zip",
        "zipped.xlsx",
        password_zip,
        "zipped.xlsx is a password-protected zip file, not an Excel workbook",
    ),
    Case(
        "bzip2 zip",
        "squeezed.xlsx",
        bzip2_zip,
        "squeezed.xlsx is a zip file compressed in a way Excel never uses",
    ),
    Case(
        "billion laughs in a sheet",
        "laughs-sheet.xlsx",
        entities_in_sheet(LAUGHS, "lol3"),
        "laughs-sheet.xlsx contains XML with entity",
    ),
    Case(
        "billion laughs in workbook.xml",
        "laughs-book.xlsx",
        entities_in_workbook(LAUGHS, "lol3"),
        "laughs-book.xlsx contains XML with entity",
    ),
    Case(
        "external entity in a sheet",
        "xxe-sheet.xlsx",
        entities_in_sheet(EXTERNAL, "secret"),
        "xxe-sheet.xlsx contains XML with entity",
    ),
    Case(
        "external entity in workbook.xml",
        "xxe-book.xlsx",
        entities_in_workbook(EXTERNAL, "secret"),
        "xxe-book.xlsx contains XML with entity",
    ),
    Case(
        "external entity in a drawing",
        "xxe-drawing.xlsx",
        entities_in_drawing,
        "xxe-drawing.xlsx contains XML with entity",
    ),
    Case(
        "absurd used range on Partners",
        "far.xlsx",
        absurd_used_range,
        "Partners!B1: the header row has no column for Trust",
    ),
    Case(
        "patterns made to slow a search",
        "slow.xlsx",
        slow_search_patterns,
        "slow.xlsx could not be read: its table of shared texts (xl/sharedStrings.xml) is not "
        "well-formed XML",
    ),
    Case(
        "content types part missing",
        "no-types.xlsx",
        without_content_types,
        "no-types.xlsx is a zip file but not an Excel workbook",
    ),
]
