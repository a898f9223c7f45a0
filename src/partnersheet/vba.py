"""Build the VBA project (``vbaProject.bin``) of partnersheet's macro-enabled workbook.

The project is written from VBA source text alone, as MS-OVBA describes: no p-code can be
made without Office, so ``_VBA_PROJECT`` says Version 0xFFFF with no performance cache and
every module stream holds nothing but its compressed source. Excel then compiles the project
from source when it opens the workbook. The container is a version 3 compound file (MS-CFB).
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import re
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

__all__ = [
    "BUTTON_MODULE",
    "DICTIONARY_MODULE",
    "RECALCULATE_MACRO",
    "RUN_PYTHON",
    "ModuleKind",
    "VbaModule",
    "build_vba_project",
    "button_module",
    "partnersheet_vba_project",
    "xlwings_dictionary_source",
    "xlwings_module_source",
]

RECALCULATE_MACRO = "Recalculate"
BUTTON_MODULE = "PartnersheetButton"
DICTIONARY_MODULE = "Dictionary"
RUN_PYTHON = 'RunPython "import partnersheet.excel; partnersheet.excel.main()"'


class ModuleKind(Enum):
    """What a VBA module is: the project records and the generated attributes follow from it."""

    STANDARD = "standard"
    """A standard (procedural) module, a ``.bas`` file when exported."""
    CLASS = "class"
    """A class module of this project, a ``.cls`` file when exported."""
    DOCUMENT = "document"
    """The code behind the workbook (ThisWorkbook) or one of its worksheets."""


@dataclass(frozen=True)
class VbaModule:
    """One VBA module: its name (VB_Name), its code without attribute header, and its kind."""

    name: str
    source: str
    kind: ModuleKind


# --- Module text ---------------------------------------------------------------------------

_CODE_PAGE = 1252
_ENCODING = "cp1252"
_WORKBOOK_MODULE = "ThisWorkbook"
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A module-level attribute line (member attributes such as "Attribute Item.VB_UserMemId = 0"
# name a member before the dot, so they do not match).
_HEADER_ATTRIBUTE = re.compile(r"Attribute\s+VB_\w+\s*=")
# The first line of the block the VBA editor puts before the attributes of an exported class.
_EXPORT_HEADER = re.compile(r"VERSION\s+\d+\.\d+\s+CLASS\s*$", re.IGNORECASE)
# VBA identifiers: a letter, then letters, digits or underscores; 31 characters is also the
# longest name a compound file directory entry can hold.
_IDENTIFIER = re.compile(r"[^\W\d_]\w{0,30}")


def _xlwings_file_lines(relative_path: str) -> list[str]:
    """The lines of a file shipped inside the installed xlwings package (not imported)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("xlwings is not installed, so its VBA code cannot be read")
    raw = Path(spec.origin).parent.joinpath(relative_path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A file exported by the VBA editor is in the ANSI code page.
        text = raw.decode(_ENCODING)
    return _LINE_BREAK.split(text)


def _drop_header_attributes(lines: list[str]) -> str:
    """``lines`` without their leading module-level attributes, joined with CRLF.

    The builder generates the header attributes of every module, so a file's own are dropped.
    """
    start = 0
    while start < len(lines) and _HEADER_ATTRIBUTE.match(lines[start]):
        start += 1
    return "\r\n".join(lines[start:])


def xlwings_module_source() -> str:
    """The installed xlwings package's standalone VBA module, without its VB_Name line."""
    return _drop_header_attributes(_xlwings_file_lines("xlwings.bas"))


def xlwings_dictionary_source() -> str:
    """The code of the ``Dictionary`` class module shipped with the installed xlwings.

    xlwings' standalone module uses this class (VBA-Dictionary, MIT licensed) on the Mac,
    where Scripting.Dictionary does not exist. The file is an export, so the ``VERSION`` /
    ``BEGIN`` ... ``END`` block that only exported classes have, and the module-level
    attributes after it, are dropped; everything from the first line of code on is kept as
    it is, the licence comments and the member attributes inside procedures included.

    The module-level VB_Description goes with the other attributes and is not generated
    again: it is only help text for the Object Browser, and it names an older version of the
    class (1.4.0) than the header comment that is kept (1.4.1).
    """
    lines = _xlwings_file_lines("addin/Dictionary.cls")
    if lines and _EXPORT_HEADER.match(lines[0]):
        if len(lines) < 2 or lines[1].strip().upper() != "BEGIN":
            raise ValueError("Dictionary.cls: the VERSION line is not followed by BEGIN")
        end = next((n for n in range(2, len(lines)) if lines[n].strip().upper() == "END"), None)
        if end is None:
            raise ValueError("Dictionary.cls: the BEGIN block has no END")
        lines = lines[end + 1 :]
    return _drop_header_attributes(lines)


def button_module() -> VbaModule:
    """The standard module holding the Sub that the workbook's Recalculate button runs."""
    source = "\r\n".join(
        [
            f"Sub {RECALCULATE_MACRO}()",
            "    ' Re-scores this workbook in Python and writes the results back to its sheets.",
            f"    {RUN_PYTHON}",
            "End Sub",
            "",
        ]
    )
    return VbaModule(name=BUTTON_MODULE, source=source, kind=ModuleKind.STANDARD)


def _header_attributes(module: VbaModule) -> list[str]:
    """The attribute lines a module's stream starts with, as VBA itself stores them.

    A module stream keeps more than an exported file shows: VBA adds VB_Base,
    VB_TemplateDerived and VB_Customizable to class and document modules (and leaves them
    out again on export). A class module is a private one (Instancing = Private): only this
    project's code can use it.
    """
    name = f'Attribute VB_Name = "{module.name}"'
    if module.kind is ModuleKind.STANDARD:
        return [name]
    if module.kind is ModuleKind.CLASS:
        return [
            name,
            f'Attribute VB_Base = "{_CLASS_BASE}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = False",
            "Attribute VB_Exposed = False",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = False",
        ]
    base = _WORKBOOK_BASE if module.name == _WORKBOOK_MODULE else _WORKSHEET_BASE
    return [
        name,
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]


def _module_text(module: VbaModule) -> str:
    """The stored text of a module: generated attribute lines, then its code, CRLF line ends."""
    code = _LINE_BREAK.sub("\n", module.source)
    if code and not code.endswith("\n"):
        code += "\n"
    return "\r\n".join(_header_attributes(module)) + "\r\n" + code.replace("\n", "\r\n")


def _encode(text: str, what: str) -> bytes:
    try:
        return text.encode(_ENCODING)
    except UnicodeEncodeError as error:
        raise ValueError(f"{what} has characters outside code page {_CODE_PAGE}") from error


def _check_modules(modules: Sequence[VbaModule], project_name: str) -> None:
    if not _IDENTIFIER.fullmatch(project_name):
        raise ValueError(f"project name {project_name!r} is not a VBA identifier")
    _encode(project_name, "project name")
    seen = {project_name.upper()}
    for module in modules:
        if not isinstance(module.kind, ModuleKind):
            raise TypeError(f"module {module.name!r}: kind must be a ModuleKind")
        if not _IDENTIFIER.fullmatch(module.name):
            raise ValueError(f"module name {module.name!r} is not a VBA identifier")
        _encode(module.name, f"module name {module.name!r}")
        if module.name.upper() in seen:
            # VBA names are case-insensitive, and a module may not share the project's name.
            raise ValueError(f"module name {module.name!r} is taken (names ignore case)")
        seen.add(module.name.upper())
        first_line = _LINE_BREAK.split(module.source, maxsplit=1)[0]
        if _HEADER_ATTRIBUTE.match(first_line):
            raise ValueError(f"module {module.name!r}: leave out the Attribute lines")
        if _EXPORT_HEADER.match(first_line):
            raise ValueError(f"module {module.name!r}: leave out the VERSION ... END block")


# --- MS-OVBA compression (section 2.4.1) ---------------------------------------------------

_CHUNK_SIZE = 4096
_MIN_MATCH = 3


def _offset_bits(position: int) -> int:
    """Bits a copy token gives to its offset, ``position`` bytes into a decompressed chunk."""
    # MS-OVBA 2.4.1.3.19.1: the ceiling of log2(position), and never fewer than 4.
    return max((position - 1).bit_length(), 4)


def _common_length(data: bytes, earlier: int, later: int, limit: int) -> int:
    """How many bytes from ``later`` repeat those from ``earlier`` (at most ``limit``)."""
    length = _MIN_MATCH
    # Long runs are compared a block at a time: byte by byte would be slow in Python.
    while (
        length + 64 <= limit
        and data[earlier + length : earlier + length + 64]
        == data[later + length : later + length + 64]
    ):
        length += 64
    while length < limit and data[earlier + length] == data[later + length]:
        length += 1
    return length


def _compress_chunk(chunk: bytes) -> bytes | None:
    """The token sequences for one chunk, or None when they would not fit in 4096 bytes."""
    out = bytearray()
    # Every earlier position in the chunk, by the three bytes starting there: a match must
    # start with the same three bytes, so these are the only candidates worth comparing.
    starts: dict[bytes, list[int]] = {}
    end = len(chunk)
    position = 0
    while position < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if position >= end:
                break
            length, offset = _longest_match(chunk, position, starts)
            if length >= _MIN_MATCH:
                bits = _offset_bits(position)
                length = min(length, (0xFFFF >> bits) + _MIN_MATCH)
                out += struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - _MIN_MATCH))
                flags |= 1 << bit
            else:
                length = 1
                out.append(chunk[position])
            for covered in range(position, min(position + length, end - _MIN_MATCH + 1)):
                starts.setdefault(chunk[covered : covered + _MIN_MATCH], []).append(covered)
            position += length
        out[flag_at] = flags
        if len(out) > _CHUNK_SIZE:
            return None
    return bytes(out)


def _longest_match(chunk: bytes, position: int, starts: dict[bytes, list[int]]) -> tuple[int, int]:
    """The longest earlier repeat of the bytes at ``position`` as (length, offset).

    As in MS-OVBA 2.4.1.3.19.4, the nearest candidate wins a tie and the length is counted up
    to the end of the chunk (it is cut to what a copy token can hold afterwards).
    """
    limit = len(chunk) - position
    if limit < _MIN_MATCH:
        return 0, 0
    best_length = 0
    best_offset = 0
    for candidate in reversed(starts.get(chunk[position : position + _MIN_MATCH], ())):
        length = _common_length(chunk, candidate, position, limit)
        if length > best_length:
            best_length = length
            best_offset = position - candidate
            if length == limit:
                break
    return best_length, best_offset


def _compress(data: bytes, *, allow_raw: bool = True) -> bytes:
    """A CompressedContainer holding ``data`` (MS-OVBA 2.4.1.3.6).

    A chunk whose tokens would not fit is stored raw, padded to 4096 bytes as the spec says.
    Excel is reported to drop modules stored that way, so VBA streams pass
    ``allow_raw=False`` and get a ValueError instead (real source text always compresses).
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK_SIZE):
        chunk = data[start : start + _CHUNK_SIZE]
        body = _compress_chunk(chunk)
        if body is not None:
            # Header: size of the whole chunk less 3, signature 0b011, flag 1 (compressed).
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3))
            out += body
        elif allow_raw:
            out += struct.pack("<H", 0x3000 | (_CHUNK_SIZE + 2 - 3))
            out += chunk.ljust(_CHUNK_SIZE, b"\x00")
        else:
            raise ValueError(
                f"bytes {start}-{start + len(chunk)} do not compress; "
                "a VBA stream cannot hold them safely"
            )
    return bytes(out)


def _decompress(container: bytes) -> bytes:
    """The bytes held in a CompressedContainer (MS-OVBA 2.4.1.3.1); ValueError if malformed."""
    if not container or container[0] != 0x01:
        raise ValueError("a compressed container starts with the byte 0x01")
    out = bytearray()
    position = 1
    while position < len(container):
        if position + 2 > len(container):
            raise ValueError("truncated chunk header")
        (header,) = struct.unpack_from("<H", container, position)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at byte {position}")
        chunk_end = position + (header & 0x0FFF) + 3
        if chunk_end > len(container):
            raise ValueError(f"chunk at byte {position} runs past the end")
        position += 2
        chunk_start = len(out)
        if not header & 0x8000:
            if chunk_end - position != _CHUNK_SIZE:
                raise ValueError("an uncompressed chunk holds exactly 4096 bytes")
            out += container[position:chunk_end]
            position = chunk_end
            continue
        while position < chunk_end:
            flags = container[position]
            position += 1
            for bit in range(8):
                if position >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(container[position])
                    position += 1
                    continue
                if position + 2 > chunk_end:
                    raise ValueError("truncated copy token")
                (token,) = struct.unpack_from("<H", container, position)
                position += 2
                done = len(out) - chunk_start
                if done == 0:
                    raise ValueError("a copy token cannot start a chunk")
                bits = _offset_bits(done)
                length = (token & (0xFFFF >> bits)) + _MIN_MATCH
                offset = (token >> (16 - bits)) + 1
                source = len(out) - offset
                if source < chunk_start:
                    raise ValueError("copy token reaches before its chunk")
                if offset >= length:
                    out += out[source : source + length]
                else:
                    # The copy overlaps what it writes: the repeated part is the last
                    # ``offset`` bytes, over and over.
                    pattern = bytes(out[source:])
                    out += (pattern * (length // offset + 1))[:length]
        if len(out) - chunk_start > _CHUNK_SIZE:
            raise ValueError("a chunk decompresses to more than 4096 bytes")
    return bytes(out)


# --- MS-OVBA project streams ---------------------------------------------------------------

# Version 0xFFFF and no PerformanceCache: Excel must compile the modules from source.
_VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x00\x00"
_SYSKIND_WIN32 = 0x00000001
_LCID = 0x0409
_PROJECT_VERSION = (1, 0)


@dataclass(frozen=True)
class _Reference:
    """A registered type library reference (REFERENCENAME + REFERENCEREGISTERED)."""

    name: str
    libid: str


# The references a new Excel project starts with (VBA and Excel themselves are implied by the
# host). The Office libid is the one xlwings' own standalone quickstart workbook carries; its
# MSForms reference is left out, as nothing in the xlwings module uses MSForms.
_REFERENCES = (
    _Reference(
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
        "#OLE Automation",
    ),
    _Reference(
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
        r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)

_PROJECT_ID_NAMESPACE = uuid.UUID("6d747bad-08a3-4bac-8d3a-0c04275d06f2")
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


def _project_id(modules: Sequence[VbaModule], project_name: str) -> str:
    """A GUID (braces, upper case) that depends on the project's content and nothing else."""
    content = json.dumps(
        [project_name, [[m.name, m.kind.value, m.source] for m in modules]], ensure_ascii=True
    )
    return "{" + str(uuid.uuid5(_PROJECT_ID_NAMESPACE, content)).upper() + "}"


def _record(record_id: int, body: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(body)) + body


def _text_pair(record_id: int, unicode_id: int, text: str, what: str) -> bytes:
    """A record holding ``text`` in the code page, then its UTF-16 twin under ``unicode_id``."""
    return _record(record_id, _encode(text, what)) + _record(unicode_id, text.encode("utf-16-le"))


def _dir_stream(modules: Sequence[VbaModule], project_name: str) -> bytes:
    """The decompressed ``dir`` stream (MS-OVBA 2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", _SYSKIND_WIN32))  # PROJECTSYSKIND
    out += _record(0x0002, struct.pack("<I", _LCID))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", _LCID))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", _CODE_PAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, _encode(project_name, "project name"))  # PROJECTNAME
    out += _text_pair(0x0005, 0x0040, "", "docstring")  # PROJECTDOCSTRING
    out += _text_pair(0x0006, 0x003D, "", "help file")  # PROJECTHELPFILEPATH (both copies)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its Reserved field (4) sits where other records keep their size.
    out += struct.pack("<HIIH", 0x0009, 4, *_PROJECT_VERSION)
    out += _text_pair(0x000C, 0x003C, "", "constants")  # PROJECTCONSTANTS
    for reference in _REFERENCES:
        out += _text_pair(0x0016, 0x003E, reference.name, "reference name")  # REFERENCENAME
        libid = _encode(reference.libid, "reference")
        registered = struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0)
        out += _record(0x000D, registered)  # REFERENCEREGISTERED
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        name = _encode(module.name, "module name")
        out += _record(0x0019, name)  # MODULENAME
        out += _record(0x0047, module.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text_pair(0x001A, 0x0032, module.name, "stream name")  # MODULESTREAMNAME
        out += _text_pair(0x001C, 0x0048, "", "docstring")  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: no p-code before source
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        # MODULETYPE: 0x0021 procedural, 0x0022 document, class or designer; 4 bytes Reserved.
        module_type = 0x0021 if module.kind is ModuleKind.STANDARD else 0x0022
        out += struct.pack("<HI", module_type, 0)
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


def _obfuscate(data: bytes, project_id: str, field: str) -> str:
    """``data`` under MS-OVBA 2.4.3.2 Data Encryption, as upper-case hex.

    The spec lets the seed and the ignored bytes be anything; they come from a hash here so
    that the same project always gives the same file.
    """
    noise = hashlib.sha256(f"{project_id}/{field}".encode("ascii")).digest()
    seed = noise[0]
    version = 2
    project_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ version
    key_enc = seed ^ project_key
    out = bytearray([seed, version_enc, key_enc])
    last_plain, last_enc, before_last_enc = project_key, key_enc, version_enc
    ignored = noise[1 : 1 + (seed & 6) // 2]
    for plain in ignored + struct.pack("<I", len(data)) + data:
        encrypted = plain ^ ((before_last_enc + last_plain) & 0xFF)
        out.append(encrypted)
        before_last_enc, last_enc, last_plain = last_enc, encrypted, plain
    return out.hex().upper()


def _project_stream(modules: Sequence[VbaModule], project_name: str, project_id: str) -> bytes:
    """The ``PROJECT`` stream (MS-OVBA 2.3.1): unprotected, visible, no password."""
    protection = _obfuscate(bytes(4), project_id, "CMG")  # no protection bits set
    password = _obfuscate(bytes(1), project_id, "DPB")  # 0x00: no password
    visibility = _obfuscate(bytes([0xFF]), project_id, "GC")  # 0xFF: visible
    lines = [f'ID="{project_id}"']
    for module in modules:
        # ProjectModule (MS-OVBA 2.3.1.3); a document's DocTLibVer is 0 (no type library).
        if module.kind is ModuleKind.DOCUMENT:
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind is ModuleKind.CLASS:
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{protection}"',
        f'DPB="{password}"',
        f'GC="{visibility}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{module.name}=0, 0, 0, 0, C" for module in modules),
    ]
    return _encode("\r\n".join(lines) + "\r\n", "PROJECT stream")


def _project_wm_stream(modules: Sequence[VbaModule]) -> bytes:
    """The ``PROJECTwm`` stream (MS-OVBA 2.3.3): each name in the code page and in UTF-16."""
    out = bytearray()
    for module in modules:
        out += _encode(module.name, "module name") + b"\x00"
        out += module.name.encode("utf-16-le") + b"\x00\x00"
    out += b"\x00\x00"
    return bytes(out)


def build_vba_project(modules: Sequence[VbaModule], *, project_name: str = "VBAProject") -> bytes:
    """The ``vbaProject.bin`` compound file holding ``modules``; same input, same bytes.

    A document module named ThisWorkbook is the workbook's; every other document module is a
    worksheet's. Names must match the code names the workbook's XML gives them.
    """
    modules = tuple(modules)
    _check_modules(modules, project_name)
    project_id = _project_id(modules, project_name)
    module_streams = tuple(
        _Stream(
            module.name,
            _compress(_encode(_module_text(module), f"module {module.name!r}"), allow_raw=False),
        )
        for module in modules
    )
    vba = _Storage(
        "VBA",
        (
            _Stream("_VBA_PROJECT", _VBA_PROJECT_STREAM),
            _Stream("dir", _compress(_dir_stream(modules, project_name), allow_raw=False)),
            *module_streams,
        ),
    )
    root = _Storage(
        "Root Entry",
        (
            vba,
            _Stream("PROJECT", _project_stream(modules, project_name, project_id)),
            _Stream("PROJECTwm", _project_wm_stream(modules)),
        ),
    )
    return _write_compound_file(root)


def partnersheet_vba_project(sheet_code_names: Sequence[str]) -> bytes:
    """The project of partnersheet's workbook.

    Its modules: ThisWorkbook, one per sheet code name, xlwings' standalone module, the
    Dictionary class that module needs on the Mac, and the module behind the button.
    """
    modules = [
        VbaModule(_WORKBOOK_MODULE, "", ModuleKind.DOCUMENT),
        *(VbaModule(name, "", ModuleKind.DOCUMENT) for name in sheet_code_names),
        VbaModule("xlwings", xlwings_module_source(), ModuleKind.STANDARD),
        VbaModule(DICTIONARY_MODULE, xlwings_dictionary_source(), ModuleKind.CLASS),
        button_module(),
    ]
    return build_vba_project(modules)


# --- MS-CFB compound file, version 3 -------------------------------------------------------

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_IDS_PER_SECTOR = _SECTOR // 4
_HEADER_DIFAT = 109
_ENTRY_SIZE = 128
_MAXREGSECT = 0xFFFFFFFA
_DIFSECT = 0xFFFFFFFC
_FATSECT = 0xFFFFFFFD
_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
_NOSTREAM = 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_BAD_NAME_CHARACTERS = frozenset("/\\:!")


@dataclass(frozen=True)
class _Stream:
    name: str
    data: bytes


@dataclass(frozen=True)
class _Storage:
    name: str
    children: tuple[_Stream | _Storage, ...]


def _name_key(name: str) -> tuple[int, tuple[int, ...]]:
    """MS-CFB 2.6.4 order: shorter names first, then UTF-16 code units of the upper case."""
    units = name.encode("utf-16-le")
    # Simple (one-to-one) upper-casing: a letter whose upper case is longer stays as it is.
    upper = "".join(c.upper() if len(c.upper()) == 1 else c for c in name).encode("utf-16-le")
    return len(units), struct.unpack(f"<{len(upper) // 2}H", upper)


def _check_entry_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) > 62:
        raise ValueError(f"compound file names hold 1 to 31 characters, not {name!r}")
    if _BAD_NAME_CHARACTERS & set(name):
        raise ValueError(f"compound file name {name!r} has one of / \\ : !")


def _chain(first: int, count: int) -> list[int]:
    """FAT entries for ``count`` consecutive sectors starting at ``first``."""
    return [*range(first + 1, first + count), _ENDOFCHAIN] if count else []


def _sectors(size: int, sector: int) -> int:
    return -(-size // sector)


def _fat_sizes(other_sectors: int) -> tuple[int, int]:
    """How many FAT and DIFAT sectors a file with ``other_sectors`` more sectors needs."""
    fat = max(1, _sectors(other_sectors, _IDS_PER_SECTOR))
    while True:
        difat = _sectors(max(0, fat - _HEADER_DIFAT), _IDS_PER_SECTOR - 1)
        if fat * _IDS_PER_SECTOR >= other_sectors + fat + difat:
            return fat, difat
        fat += 1


def _write_compound_file(root: _Storage) -> bytes:
    """A version 3 compound file (512-byte sectors) holding the tree under ``root``."""
    # Directory entries in pre-order; each storage's children in the order of their names.
    nodes: list[_Stream | _Storage] = []
    members: list[list[int]] = []

    def visit(node: _Stream | _Storage) -> None:
        index = len(nodes)
        nodes.append(node)
        members.append([])
        if isinstance(node, _Storage):
            children = sorted(node.children, key=lambda member: _name_key(member.name))
            for member in children:
                _check_entry_name(member.name)
            for first, second in itertools.pairwise(children):
                if _name_key(first.name) == _name_key(second.name):
                    raise ValueError(f"two entries of {node.name!r} are named {second.name!r}")
            for member in children:
                members[index].append(len(nodes))
                visit(member)

    visit(root)
    count = len(nodes)
    left = [_NOSTREAM] * count
    right = [_NOSTREAM] * count
    child = [_NOSTREAM] * count
    color = [_BLACK] * count
    for index, siblings in enumerate(members):
        if siblings:
            child[index] = _link_siblings(siblings, left, right, color)

    # Streams under the cutoff go to the mini stream, the rest to sectors of their own.
    mini_stream = bytearray()
    mini_fat: list[int] = []
    start = [0] * count
    size = [0] * count
    big: list[tuple[int, bytes]] = []
    for index, node in enumerate(nodes):
        if not isinstance(node, _Stream):
            continue
        size[index] = len(node.data)
        if not node.data:
            start[index] = _ENDOFCHAIN
        elif len(node.data) < _MINI_CUTOFF:
            used = _sectors(len(node.data), _MINI_SECTOR)
            start[index] = len(mini_fat)
            mini_fat += _chain(len(mini_fat), used)
            mini_stream += node.data.ljust(used * _MINI_SECTOR, b"\x00")
        else:
            big.append((index, node.data))

    dir_sectors = _sectors(count * _ENTRY_SIZE, _SECTOR)
    mini_fat_sectors = _sectors(len(mini_fat) * 4, _SECTOR)
    mini_stream_sectors = _sectors(len(mini_stream), _SECTOR)
    big_sectors = [_sectors(len(data), _SECTOR) for _, data in big]
    others = dir_sectors + mini_fat_sectors + mini_stream_sectors + sum(big_sectors)
    fat_sectors, difat_sectors = _fat_sizes(others)
    total = fat_sectors + difat_sectors + others
    if total > _MAXREGSECT:
        raise ValueError("too much data for a compound file")

    # Layout: FAT, DIFAT, directory, mini FAT, mini stream, then each large stream.
    fat = [_FATSECT] * fat_sectors + [_DIFSECT] * difat_sectors
    first_dir = len(fat)
    fat += _chain(first_dir, dir_sectors)
    first_mini_fat = len(fat) if mini_fat_sectors else _ENDOFCHAIN
    fat += _chain(len(fat), mini_fat_sectors)
    root_start = len(fat) if mini_stream_sectors else _ENDOFCHAIN
    fat += _chain(len(fat), mini_stream_sectors)
    for (index, _), used in zip(big, big_sectors, strict=True):
        start[index] = len(fat)
        fat += _chain(len(fat), used)
    fat += [_FREESECT] * (fat_sectors * _IDS_PER_SECTOR - len(fat))
    start[0] = root_start
    size[0] = len(mini_stream)

    fat_ids = list(range(fat_sectors))
    header_difat = fat_ids[:_HEADER_DIFAT]
    header_difat += [_FREESECT] * (_HEADER_DIFAT - len(header_difat))
    difat = bytearray()
    rest = fat_ids[_HEADER_DIFAT:]
    for number in range(difat_sectors):
        ids = rest[number * (_IDS_PER_SECTOR - 1) : (number + 1) * (_IDS_PER_SECTOR - 1)]
        ids += [_FREESECT] * (_IDS_PER_SECTOR - 1 - len(ids))
        following = fat_sectors + number + 1 if number + 1 < difat_sectors else _ENDOFCHAIN
        difat += struct.pack(f"<{_IDS_PER_SECTOR}I", *ids, following)

    directory = bytearray()
    for index, node in enumerate(nodes):
        kind = _ROOT if index == 0 else _STORAGE if isinstance(node, _Storage) else _STREAM
        directory += _dir_entry(
            node.name,
            kind,
            color[index],
            left[index],
            right[index],
            child[index],
            start[index],
            size[index],
        )
    unused = struct.pack("<64sHBB3I", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM)
    unused = unused.ljust(_ENTRY_SIZE, b"\x00")
    directory += unused * (dir_sectors * (_SECTOR // _ENTRY_SIZE) - count)

    header = struct.pack(
        "<8s16s5H6s9I",
        _SIGNATURE,
        bytes(16),
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # byte order mark: little-endian
        9,  # sector shift: 2**9 bytes
        6,  # mini sector shift: 2**6 bytes
        bytes(6),
        0,  # directory sector count: always 0 in version 3
        fat_sectors,
        first_dir,
        0,  # transaction signature
        _MINI_CUTOFF,
        first_mini_fat,
        mini_fat_sectors,
        fat_sectors if difat_sectors else _ENDOFCHAIN,
        difat_sectors,
    ) + struct.pack(f"<{_HEADER_DIFAT}I", *header_difat)

    # Unused mini FAT entries are free, not zero (zero would chain to mini sector 0).
    mini_fat += [_FREESECT] * (mini_fat_sectors * _IDS_PER_SECTOR - len(mini_fat))
    body = bytearray(header)
    body += struct.pack(f"<{len(fat)}I", *fat)
    body += difat
    body += directory
    body += struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    for part in (bytes(mini_stream), *(data for _, data in big)):
        body += part.ljust(_sectors(len(part), _SECTOR) * _SECTOR, b"\x00")
    return bytes(body)


def _link_siblings(siblings: list[int], left: list[int], right: list[int], color: list[int]) -> int:
    """Link name-sorted ``siblings`` into a red-black tree; return the id of its root.

    The tree is built by halving, so every level but the deepest is full: all nodes are
    black except those on the deepest level (below the root), which are red. Every path
    from the root down then passes the same number of black nodes, and no red node has a
    red child.
    """
    deepest = len(siblings).bit_length() - 1

    def build(low: int, high: int, depth: int) -> int:
        if low >= high:
            return _NOSTREAM
        middle = (low + high) // 2
        node = siblings[middle]
        left[node] = build(low, middle, depth + 1)
        right[node] = build(middle + 1, high, depth + 1)
        color[node] = _RED if depth == deepest and depth > 0 else _BLACK
        return node

    return build(0, len(siblings), 0)


def _dir_entry(
    name: str, kind: int, color: int, left: int, right: int, child: int, start: int, size: int
) -> bytes:
    """A 128-byte directory entry; CLSID, state bits and both timestamps are left zero."""
    encoded = name.encode("utf-16-le")
    return struct.pack(
        "<64sHBB3I16sIQQIQ",
        encoded,
        len(encoded) + 2,  # the name's length in bytes counts its terminating null
        kind,
        color,
        left,
        right,
        child,
        bytes(16),
        0,
        0,
        0,
        start,
        size,
    )
