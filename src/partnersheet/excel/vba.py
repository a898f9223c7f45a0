"""Build the VBA project (``vbaProject.bin``) of partnersheet's macro-enabled workbook.

The project is written from VBA source text alone, as MS-OVBA describes: no p-code can be
made without Office, so ``_VBA_PROJECT`` says Version 0xFFFF with no performance cache and
every module stream holds nothing but its compressed source. Excel then compiles the project
from source when it opens the workbook. The container is a version 3 compound file (MS-CFB).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .compound_file import Storage, Stream, write_compound_file
from .compression import compress

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
        Stream(
            module.name,
            compress(_encode(_module_text(module), f"module {module.name!r}"), allow_raw=False),
        )
        for module in modules
    )
    vba = Storage(
        "VBA",
        (
            Stream("_VBA_PROJECT", _VBA_PROJECT_STREAM),
            Stream("dir", compress(_dir_stream(modules, project_name), allow_raw=False)),
            *module_streams,
        ),
    )
    root = Storage(
        "Root Entry",
        (
            vba,
            Stream("PROJECT", _project_stream(modules, project_name, project_id)),
            Stream("PROJECTwm", _project_wm_stream(modules)),
        ),
    )
    return write_compound_file(root)


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
