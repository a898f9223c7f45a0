"""Opening a workbook file safely: what kind of file it is, zip bombs, XML bombs.

Every read goes through here first, so a file that is not a workbook, or one made to
exhaust memory, is refused with one plain sentence before anything in it is unpacked.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from ..errors import UnreadableWorkbook

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")

#: The most one part may unpack to. A 100,000-row sheet of 19 columns written by XlsxWriter
#: is 59 MB of XML; this leaves more than eight times that.
MAX_PART_BYTES = 500_000_000
#: The most all parts together may unpack to.
MAX_TOTAL_BYTES = 1_000_000_000

#: Where in an XML part a document-type declaration can be: before the root element.
_PROLOG_BYTES = 64 * 1024


# --- what kind of file -----------------------------------------------------------------------


def identify(path: Path) -> bool:
    """Check the file is an .xlsx or .xlsm workbook; return whether it is macro-enabled.

    Raises `UnreadableWorkbook` with one plain sentence for anything else.
    """
    name = path.name
    if not path.exists():
        raise UnreadableWorkbook(f"{name}: there is no such file; check the name and folder.")
    if path.is_dir():
        raise UnreadableWorkbook(f"{name} is a folder, not a workbook; give the .xlsx file's name.")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableWorkbook(
            f"{name} cannot be read ({error.strerror or error}); check you have permission "
            "to open it."
        ) from None
    if not head:
        raise UnreadableWorkbook(f"{name} is empty (0 bytes); it is not a workbook.")
    if head == _OLE_MAGIC:
        if _is_encrypted(path):
            raise UnreadableWorkbook(
                f"{name} is protected with a password; open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, and clear it), save, "
                "and run partnersheet again."
            )
        raise UnreadableWorkbook(
            f"{name} is an old-style Excel 97-2003 workbook (.xls); open it in Excel or "
            "LibreOffice and save it as an Excel Workbook (.xlsx)."
        )
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(_not_a_zip(path))
    names, mimetype, content_types = _zip_directory(path)
    if b"opendocument" in mimetype:
        raise UnreadableWorkbook(
            f"{name} is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook "
            "(.xlsx) and run partnersheet on that."
        )
    if "xl/workbook.bin" in names:
        raise UnreadableWorkbook(
            f"{name} is an Excel Binary Workbook (.xlsb); save it as an Excel Workbook (.xlsx) "
            "or Excel Macro-Enabled Workbook (.xlsm)."
        )
    if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        raise UnreadableWorkbook(
            f"{name} is a zip file but not an Excel workbook; give partnersheet an .xlsx or "
            ".xlsm file."
        )
    # What makes a workbook macro-enabled is its content type, not its name.
    return b"macroenabled.main+xml" in content_types.lower()


#: How an OpenDocument spreadsheet or an Excel 2003 spreadsheet saved as one XML file starts.
_FLAT_OPENDOCUMENT = b"application/vnd.oasis.opendocument.spreadsheet"
_EXCEL_2003_XML = b"urn:schemas-microsoft-com:office:spreadsheet"


def _not_a_zip(path: Path) -> str:
    """What to say of a file that is not a zip: what it is, when it can be told, and how to
    make a workbook of it."""
    name = path.name
    save = "and save it as an Excel Workbook (.xlsx), then run partnersheet on that."
    with path.open("rb") as handle:
        head = handle.read(_PROLOG_BYTES)
    if head.lstrip().startswith(b"<?xml") or head.lstrip().startswith(b"<"):
        if _FLAT_OPENDOCUMENT in head:
            return (
                f"{name} is a flat OpenDocument spreadsheet (.fods); open it in LibreOffice {save}"
            )
        if _EXCEL_2003_XML in head:
            return (
                f"{name} is an Excel 2003 XML spreadsheet; open it in Excel or LibreOffice {save}"
            )
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        kind = "a CSV text file" if path.suffix.lower() == ".csv" else "a text file"
        return f"{name} is {kind}, not an Excel workbook; open it in Excel or LibreOffice {save}"
    return (
        f"{name} is not an Excel workbook, or it is damaged or cut short; open it in Excel "
        "to check, and save it as an Excel Workbook (.xlsx)."
    )


def _zip_directory(path: Path) -> tuple[set[str], bytes, bytes]:
    """The zip's part names, and the start of its `mimetype` and content types parts."""
    try:
        with zipfile.ZipFile(path) as archive:
            # Sizes, passwords and compression first: nothing is unpacked before this.
            check_package(archive, path.name)
            names = set(archive.namelist())
            mimetype = content_types = b""
            if "mimetype" in names:
                with archive.open("mimetype") as part:
                    mimetype = part.read(100)
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(1_000_000)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise UnreadableWorkbook(
            f"{path.name} is damaged or cut short; open it in Excel to repair it, or use a backup."
        ) from None
    return names, mimetype, content_types


def _is_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE file holding an "EncryptionInfo" stream. Its name sits in
    # a 128-byte directory entry, which small files keep near the start and large ones
    # anywhere: read the whole file a chunk at a time (memory stays small), and count the
    # name only where an entry starts, so that the same words in a cell of an .xls do not.
    wanted = _ENCRYPTION_STREAM + b"\x00\x00"
    size = 1024 * 1024  # a multiple of 128: entries start at the same offsets in every chunk
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            at = chunk.find(wanted)
            while at >= 0:
                if at % 128 == 0:
                    return True
                at = chunk.find(wanted, at + 1)
    return False


# --- zip bombs ------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"


def check_package(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip that no workbook could be, before anything in it is unpacked.

    Only the zip's directory is read: the sizes its parts declare (zipfile never returns
    more than a part's declared size, so a part cannot unpack to more than it declares),
    whether a part is encrypted, and how it is compressed (a workbook package may only be
    stored or deflated).
    """
    total = 0
    biggest: zipfile.ZipInfo | None = None
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise UnreadableWorkbook(
                f"{name} is a password-protected zip file, not an Excel workbook; give "
                "partnersheet the .xlsx or .xlsm file itself."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableWorkbook(
                f"{name} is a zip file compressed in a way Excel never uses, so it is not an "
                "Excel workbook; open the original in Excel and save it as an Excel Workbook "
                "(.xlsx)."
            )
        total += info.file_size
        if biggest is None or info.file_size > biggest.file_size:
            biggest = info
    if biggest is not None and biggest.file_size > MAX_PART_BYTES:
        raise UnreadableWorkbook(
            f"{name} is not opened: its part {biggest.filename} would unpack to "
            f"{_megabytes(biggest.file_size)}, more than the {_megabytes(MAX_PART_BYTES)} "
            "partnersheet allows for one part, so the file is damaged or made to exhaust "
            "memory; use a backup, or ask whoever sent it for a proper copy."
        )
    if total > MAX_TOTAL_BYTES:
        raise UnreadableWorkbook(
            f"{name} is not opened: its parts would unpack to {_megabytes(total)} together, "
            f"more than the {_megabytes(MAX_TOTAL_BYTES)} partnersheet allows, so the file is "
            "damaged or made to exhaust memory; use a backup, or ask whoever sent it for a "
            "proper copy."
        )


# --- XML bombs ------------------------------------------------------------------------------


def declarations_message(path: Path) -> str:
    """The sentence for a workbook holding XML with entity or document-type declarations."""
    return (
        f"{path.name} contains XML with entity or document-type declarations, which "
        "partnersheet refuses for safety (they are how 'XML bomb' files attack programs); "
        "open it in Excel, save it as a new workbook, and use that."
    )


def refuse_declarations(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a workbook any of whose XML parts declares a document type or entities.

    Such a declaration can only come before a part's first element, so the start of each
    part is enough; nothing is expanded or fetched. Excel never writes one.
    """
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(info) as part:
                start = part.read(_PROLOG_BYTES)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            continue  # a part partnersheet does not read is its owner's: copied as it is
        if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
            raise UnreadableWorkbook(declarations_message(path))


class DeclaresEntities(ValueError):
    """An XML part declares a document type or entities."""


def check_prolog(data: bytes) -> None:
    """Refuse XML that declares a document type or entities: such a declaration can only
    stand before the first element, so the part's start is enough. (Every part partnersheet
    parses is checked so, whatever its name; the XML parser then never meets one.)"""
    start = data[:_PROLOG_BYTES]
    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
        raise DeclaresEntities("XML with entity or document-type declarations")


def parse_xml(data: bytes) -> ElementTree.Element:
    """A small XML part, parsed, after `check_prolog`."""
    check_prolog(data)
    return ElementTree.fromstring(data)


def failure_message(path: Path, what: str, error: BaseException) -> str:
    """One sentence, in plain words, for a part of the workbook that could not be read:
    `what` names the part ("its sheet Partners (xl/worksheets/sheet1.xml)")."""
    if isinstance(error, ElementTree.ParseError):
        line, column = getattr(error, "position", (0, 0))
        problem = f"is not well-formed XML (line {line}, column {column})"
    elif isinstance(error, zipfile.BadZipFile | zlib.error | EOFError):
        problem = "is damaged: the data stored for it does not check out"
    else:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        problem = "holds something partnersheet cannot read" + (f" ({detail})" if detail else "")
    return (
        f"{path.name} could not be read: {what} {problem}; open the workbook in Excel or "
        "LibreOffice and save it again, or use a backup."
    )
