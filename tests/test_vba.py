"""The VBA project for the macro-enabled workbook: read back with olevba and olefile, with an
independent reading of the dir and PROJECT streams, and the compression round-tripped."""

from __future__ import annotations

import importlib
import logging
import random
import re
import struct
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import olefile
import pytest
import xlwings
from hypothesis import example, given, settings
from hypothesis import strategies as st

from partnersheet.excel.compound_file import Storage, Stream, write_compound_file
from partnersheet.excel.compression import _offset_bits, compress, decompress
from partnersheet.excel.vba import (
    BUTTON_MODULE,
    DICTIONARY_MODULE,
    RECALCULATE_MACRO,
    RUN_PYTHON,
    ModuleKind,
    VbaModule,
    build_vba_project,
    button_module,
    partnersheet_vba_project,
    xlwings_dictionary_source,
    xlwings_module_source,
)

SHEETS = tuple(f"Sheet{n}" for n in range(1, 8))
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
STANDARD, CLASS, DOCUMENT = ModuleKind.STANDARD, ModuleKind.CLASS, ModuleKind.DOCUMENT
STDOLE = (
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
    "#OLE Automation"
)
OFFICE_GUID = "{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}"
examples = settings(max_examples=60, deadline=None)


@pytest.fixture(scope="module")
def project() -> bytes:
    return partnersheet_vba_project(SHEETS)


@pytest.fixture(scope="module")
def olevba() -> ModuleType:
    # oletools still calls pyparsing's old camelCase names, which warn on import.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("oletools.olevba")


def extract(olevba: ModuleType, data: bytes) -> dict[str, tuple[str, str]]:
    """olevba's reading of a vbaProject.bin: stream path -> (file name, code)."""
    parser: Any = olevba.VBA_Parser("vbaProject.bin", data=data)
    assert parser.detect_vba_macros()
    return {path: (filename, code) for _, path, filename, code in parser.extract_macros()}


def expected_modules(sheets: Sequence[str] = SHEETS) -> list[VbaModule]:
    return [
        VbaModule("ThisWorkbook", "", DOCUMENT),
        *(VbaModule(name, "", DOCUMENT) for name in sheets),
        VbaModule("xlwings", xlwings_module_source(), STANDARD),
        VbaModule("Dictionary", xlwings_dictionary_source(), CLASS),
        button_module(),
    ]


def stored_text(module: VbaModule) -> str:
    """What the module stream must hold, written out here independently of the builder."""
    lines = [f'Attribute VB_Name = "{module.name}"']
    if module.kind is DOCUMENT:
        base = WORKBOOK_BASE if module.name == "ThisWorkbook" else WORKSHEET_BASE
        lines += [
            f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = True",
        ]
    elif module.kind is CLASS:
        # What VBA keeps in the stream of a private class module; an exported .cls shows only
        # VB_Name, VB_GlobalNameSpace, VB_Creatable, VB_PredeclaredId and VB_Exposed.
        lines += [
            f'Attribute VB_Base = "{CLASS_BASE}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = False",
            "Attribute VB_Exposed = False",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = False",
        ]
    return "\r\n".join(lines) + "\r\n" + module.source


def module_type_id(module: VbaModule) -> int:
    """MS-OVBA 2.3.4.2.3.2.8: 0x0021 for a procedural module, 0x0022 for any other."""
    return 0x0021 if module.kind is STANDARD else 0x0022


def project_line(module: VbaModule) -> str:
    """MS-OVBA 2.3.1.3: the PROJECT stream's line for a module of each kind."""
    if module.kind is DOCUMENT:
        return f"Document={module.name}/&H00000000"
    return f"{'Class' if module.kind is CLASS else 'Module'}={module.name}"


def installed_xlwings_file(relative_path: str) -> str:
    return (Path(xlwings.__file__).parent / relative_path).read_bytes().decode("cp1252")


def normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def open_strictly(data: bytes) -> olefile.OleFileIO:
    """olefile raising on every defect it would otherwise only note."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.parsing_issues == []
    return ole


# --- An independent reading of the dir stream ----------------------------------------------


@dataclass(frozen=True)
class Record:
    id: int
    body: bytes


def dir_records(data: bytes) -> list[Record]:
    ole = open_strictly(data)
    plain = decompress(ole.openstream("VBA/dir").read())
    records = []
    position = 0
    while position < len(plain):
        record_id, size = struct.unpack_from("<HI", plain, position)
        position += 6
        if record_id == 0x0009:
            # PROJECTVERSION: the 4 is a Reserved field, and 6 bytes follow it.
            assert size == 4
            size = 6
        records.append(Record(record_id, plain[position : position + size]))
        position += size
    assert position == len(plain)
    return records


@dataclass(frozen=True)
class ModuleRecord:
    name: str
    name_unicode: str
    stream_name: str
    stream_name_unicode: str
    offset: int
    cookie: int
    type_id: int


def module_records(records: list[Record]) -> list[ModuleRecord]:
    ids = [record.id for record in records]
    start = ids.index(0x000F)
    (count,) = struct.unpack("<H", records[start].body)
    assert records[start + 1].id == 0x0013
    assert records[start + 1].body == b"\xff\xff"
    layout = [0x0019, 0x0047, 0x001A, 0x0032, 0x001C, 0x0048, 0x0031, 0x001E, 0x002C]
    found = []
    position = start + 2
    for _ in range(count):
        group = records[position : position + len(layout) + 2]
        assert [record.id for record in group[: len(layout)]] == layout
        assert group[len(layout)].id in (0x0021, 0x0022)
        assert group[len(layout) + 1].id == 0x002B
        assert group[4].body == b""
        assert group[5].body == b""
        assert struct.unpack("<I", group[7].body) == (0,)
        found.append(
            ModuleRecord(
                name=group[0].body.decode("cp1252"),
                name_unicode=group[1].body.decode("utf-16-le"),
                stream_name=group[2].body.decode("cp1252"),
                stream_name_unicode=group[3].body.decode("utf-16-le"),
                offset=struct.unpack("<I", group[6].body)[0],
                cookie=struct.unpack("<H", group[8].body)[0],
                type_id=group[len(layout)].id,
            )
        )
        position += len(layout) + 2
    assert [record.id for record in records[position:]] == [0x0010]
    return found


def decrypt(hex_text: str) -> tuple[int, int, bytes]:
    """MS-OVBA 2.4.3.3 Data Decryption: (version, project key, data)."""
    encrypted = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = encrypted[:3]
    version = seed ^ version_enc
    key = seed ^ key_enc
    last_plain, last_enc, before_last_enc = key, key_enc, version_enc
    plain = bytearray()
    for byte in encrypted[3:]:
        value = byte ^ ((before_last_enc + last_plain) & 0xFF)
        before_last_enc, last_enc, last_plain = last_enc, byte, value
        plain.append(value)
    ignored = (seed & 6) // 2
    (length,) = struct.unpack("<I", plain[ignored : ignored + 4])
    data = bytes(plain[ignored + 4 :])
    assert len(data) == length
    return version, key, data


# --- Compression -----------------------------------------------------------------------------

# MS-OVBA 3.2.2, "Normal Compression": the example input and what Office made of it.
SPEC_INPUT = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
SPEC_OUTPUT = bytes.fromhex(
    "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D"
    "6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"
)


def chunk_flags(container: bytes) -> list[bool]:
    """For each chunk of a container, whether it is compressed (not stored raw)."""
    flags = []
    position = 1
    while position < len(container):
        (header,) = struct.unpack_from("<H", container, position)
        assert header >> 12 & 0b111 == 0b011
        flags.append(bool(header & 0x8000))
        position += (header & 0x0FFF) + 3
    assert position == len(container)
    return flags


def assert_round_trip(data: bytes) -> None:
    container = compress(data)
    flags = chunk_flags(container)
    assert len(flags) == -(-len(data) // 4096)
    restored = decompress(container)
    if flags and not flags[-1]:
        # A raw chunk always holds 4096 bytes: a short last one is padded with zeros.
        assert restored == data.ljust(len(flags) * 4096, b"\x00")
    else:
        assert restored == data


def test_decompressor_reads_the_spec_example() -> None:
    assert decompress(SPEC_OUTPUT) == SPEC_INPUT


def test_compressor_matches_the_spec_example_size() -> None:
    container = compress(SPEC_INPUT)
    assert decompress(container) == SPEC_INPUT
    # Office breaks ties between equally long matches its own way; the length is the same.
    assert container[:3] == SPEC_OUTPUT[:3]
    assert len(container) == len(SPEC_OUTPUT)


# MS-OVBA 2.4.1.3.19.1: how many bits the offset gets, by position in the chunk.
BIT_COUNTS = [
    (1, 4), (16, 4), (17, 5), (32, 5), (33, 6), (64, 6), (65, 7), (128, 7), (129, 8),
    (256, 8), (257, 9), (512, 9), (513, 10), (1024, 10), (1025, 11), (2048, 11),
    (2049, 12), (4095, 12),
]  # fmt: skip


@pytest.mark.parametrize(("position", "bits"), BIT_COUNTS)
def test_copy_token_bit_count_follows_the_spec(position: int, bits: int) -> None:
    assert _offset_bits(position) == bits


def test_copy_tokens_use_the_whole_length_field() -> None:
    # A run right after the first byte is one copy token of the longest length 4 bits allow.
    data = b"a" * 4096
    container = compress(data)
    assert len(container) < 20
    assert decompress(container) == data


@examples
@given(st.binary(max_size=13000))
@example(b"")
@example(bytes(4096))
@example(random.Random(1).randbytes(4096))
@example(random.Random(2).randbytes(4095))
@example(random.Random(3).randbytes(4097))
@example(random.Random(4).randbytes(9000))
def test_compression_round_trips_any_bytes(data: bytes) -> None:
    assert_round_trip(data)


CODE_LIKE = st.lists(
    st.sampled_from(
        ["Sub A()", "End Sub", "    x = 1", "    ' note", "Dim s As String", "", "If x Then"]
    ),
    max_size=1500,
).map(lambda lines: "\r\n".join(lines).encode("cp1252"))
REPETITIVE = st.builds(
    lambda unit, times, tail: unit * times + tail,
    st.binary(min_size=1, max_size=9),
    st.integers(min_value=0, max_value=3000),
    st.binary(max_size=40),
)


@examples
@given(st.one_of(CODE_LIKE, REPETITIVE))
@example(b"x" * 4096)
@example(b"ab" * 2048)
@example(b"Sub X()\r\nEnd Sub\r\n" * 2000)
def test_compression_round_trips_text_exactly(data: bytes) -> None:
    container = compress(data, allow_raw=False)
    assert all(chunk_flags(container))
    assert decompress(container) == data


def test_incompressible_chunk_is_raw_or_refused() -> None:
    noise = random.Random(7).randbytes(4096)
    stored = compress(noise)
    assert chunk_flags(stored) == [False]
    assert decompress(stored) == noise
    with pytest.raises(ValueError, match="do not compress"):
        compress(noise, allow_raw=False)


@pytest.mark.parametrize(
    "container",
    [b"", b"\x00", b"\x01\x00", b"\x01\x02\x30", b"\x01\xff\xbf\x00", b"\x01\x01\xb0\x01\x00\x00"],
)
def test_decompressor_rejects_malformed_containers(container: bytes) -> None:
    with pytest.raises(ValueError):
        decompress(container)


# --- The project as olevba and olefile read it -------------------------------------------


def test_olevba_finds_every_module_with_its_source(
    olevba: ModuleType, project: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    found = extract(olevba, project)
    modules = expected_modules()
    assert sorted(found) == sorted(f"VBA/{module.name}" for module in modules)
    for module in modules:
        filename, code = found[f"VBA/{module.name}"]
        assert filename == f"{module.name}.{'bas' if module.kind is STANDARD else 'cls'}"
        assert normalised(code) == normalised(stored_text(module))
    # olevba always says it cannot look for "VBA stomping" (p-code unlike the source) in
    # bytes held in memory; nothing else may be worth a warning.
    complaints = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "stomping" not in r.getMessage()
    ]
    assert complaints == []


def test_olevba_sees_the_whole_xlwings_module_and_the_button(
    olevba: ModuleType, project: bytes
) -> None:
    found = {path: code for path, (_, code) in extract(olevba, project).items()}
    xlwings_code = found["VBA/xlwings"]
    assert normalised(xlwings_code) == normalised(
        'Attribute VB_Name = "xlwings"\r\n' + xlwings_module_source()
    )
    assert "Public Function RunPython(" in xlwings_code
    assert "BSD 3-clause" in xlwings_code
    button = found[f"VBA/{BUTTON_MODULE}"]
    assert f"Sub {RECALCULATE_MACRO}()" in button
    assert "partnersheet.excel.main()" in button
    assert RUN_PYTHON in button


def test_olevba_reads_the_dictionary_class_exactly(olevba: ModuleType, project: bytes) -> None:
    filename, code = extract(olevba, project)[f"VBA/{DICTIONARY_MODULE}"]
    assert filename == "Dictionary.cls"
    assert code == stored_text(VbaModule("Dictionary", xlwings_dictionary_source(), CLASS))
    header = code.split("\r\n")[:9]
    assert header[0] == 'Attribute VB_Name = "Dictionary"'
    assert header[5] == "Attribute VB_Exposed = False"
    # The class's own code starts right after the generated attributes.
    assert header[8] == "''"
    assert "\r\nAttribute Item.VB_UserMemId = 0\r\n" in code


def test_olevba_strict_parse_marks_module_types(olevba: ModuleType, project: bytes) -> None:
    ole = open_strictly(project)
    # relaxed=False: every field olevba checks against MS-OVBA raises if it is off.
    vba: Any = olevba.VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    vba.parse_project_stream()
    codes = list(vba.parse_modules())
    assert len(codes) == len(expected_modules())
    kinds = {module.name: (module.type, module.textoffset) for module in vba.modules}
    for module in expected_modules():
        assert kinds[module.name] == (module_type_id(module), 0)
    # olevba tells a class module from a document module by the PROJECT stream.
    assert vba.module_ext["dictionary"] == "cls"
    assert vba.module_ext["xlwings"] == "bas"
    assert vba.codepage == 1252
    assert vba.syskind == 1


def test_olefile_reads_the_compound_file(project: bytes) -> None:
    assert len(project) % 512 == 0
    ole = open_strictly(project)
    assert ole.minor_version == 0x3E
    assert ole.dll_version == 3
    assert ole.sector_size == 512
    assert ole.mini_sector_size == 64
    assert ole.minisectorcutoff == 4096
    names = {"/".join(path) for path in ole.listdir()}
    modules = [f"VBA/{module.name}" for module in expected_modules()]
    assert names == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", *modules}
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    sizes = {name: ole.get_size(name) for name in names}
    for name in names:
        assert len(ole.openstream(name).read()) == sizes[name]
    # xlwings' two modules are big enough for sectors of their own; the rest sit in the mini
    # stream.
    big = {"VBA/xlwings", "VBA/Dictionary"}
    assert min(sizes[name] for name in big) >= 4096
    assert max(size for name, size in sizes.items() if name not in big) < 4096
    assert ole.root.size == sum(-(-size // 64) * 64 for size in sizes.values() if size < 4096)
    assert all(entry.createTime == entry.modifyTime == 0 for entry in ole.direntries if entry)


FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def sector(data: bytes, number: int) -> bytes:
    return data[512 * (number + 1) : 512 * (number + 2)]


def follow(fat: Sequence[int], first: int) -> list[int]:
    chain = []
    while first != ENDOFCHAIN:
        assert first not in chain
        chain.append(first)
        first = fat[first]
    return chain


def test_sector_tables_use_the_spec_markers(project: bytes) -> None:
    """Read the FAT and mini FAT straight from the bytes: every sector is accounted for."""
    assert struct.unpack_from("<I", project, 0x28) == (0,)  # no directory sector count in v3
    fat_count, first_dir, _, cutoff, first_mini_fat, mini_fat_count, first_difat, difat_count = (
        struct.unpack_from("<8I", project, 0x2C)
    )
    assert cutoff == 4096
    assert (first_difat, difat_count) == (ENDOFCHAIN, 0)
    header_difat = struct.unpack_from("<109I", project, 0x4C)
    fat_sectors = list(header_difat[:fat_count])
    assert set(header_difat[fat_count:]) == {FREESECT}
    fat = [entry for n in fat_sectors for entry in struct.unpack("<128I", sector(project, n))]
    total = len(project) // 512 - 1
    assert set(fat[total:]) <= {FREESECT}
    assert [fat[n] for n in fat_sectors] == [FATSECT] * fat_count

    ole = open_strictly(project)
    chains = [follow(fat, first_dir), follow(fat, first_mini_fat)]
    chains.append(follow(fat, ole.root.isectStart))
    for entry in ole.direntries:
        if entry and entry.entry_type == olefile.STGTY_STREAM and entry.size >= 4096:
            chains.append(follow(fat, entry.isectStart))
            assert len(chains[-1]) == -(-entry.size // 512)
    used = [n for chain in chains for n in chain]
    assert sorted(used + fat_sectors) == list(range(total))
    assert len(chains[1]) == mini_fat_count

    mini_fat = [e for n in chains[1] for e in struct.unpack("<128I", sector(project, n))]
    mini_sectors = ole.root.size // 64
    assert set(mini_fat[mini_sectors:]) == {FREESECT}
    assert ENDOFCHAIN in mini_fat[:mini_sectors]
    assert FREESECT not in mini_fat[:mini_sectors]


def test_vba_project_stream_is_the_seven_bytes(project: bytes) -> None:
    assert open_strictly(project).openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex(
        "CC61FFFF000000"
    )


def test_module_streams_hold_only_compressed_source(project: bytes) -> None:
    ole = open_strictly(project)
    for module in expected_modules():
        stream = ole.openstream(f"VBA/{module.name}").read()
        assert decompress(stream).decode("cp1252") == stored_text(module)


def test_dir_stream_records(project: bytes) -> None:
    records = dir_records(project)
    ids = [record.id for record in records]
    information = [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09]
    information += [0x0C, 0x3C]
    references = [0x16, 0x3E, 0x0D] * 2
    assert ids[: len(information) + len(references)] == information + references
    body = {record.id: record.body for record in records[: len(information)]}
    assert struct.unpack("<I", body[0x01]) == (1,)  # Win32
    assert struct.unpack("<I", body[0x02]) == (0x409,)
    assert struct.unpack("<I", body[0x14]) == (0x409,)
    assert struct.unpack("<H", body[0x03]) == (1252,)
    assert body[0x04] == b"VBAProject"
    assert body[0x05] == body[0x40] == body[0x06] == body[0x3D] == b""
    assert body[0x07] == body[0x08] == bytes(4)
    assert body[0x0C] == body[0x3C] == b""

    names = [records[i].body for i in range(len(information), len(records)) if ids[i] == 0x16]
    assert names == [b"stdole", b"Office"]
    libids = []
    for record in records:
        if record.id == 0x0D:
            (size,) = struct.unpack_from("<I", record.body)
            libids.append(record.body[4 : 4 + size].decode("cp1252"))
            assert record.body[4 + size :] == bytes(6)
    assert libids[0] == STDOLE
    assert libids[1].startswith(f"*\\G{OFFICE_GUID}#2.0#0#")
    assert libids[1].endswith("#Microsoft Office 16.0 Object Library")

    found = module_records(records)
    modules = expected_modules()
    assert [entry.name for entry in found] == [module.name for module in modules]
    for entry, module in zip(found, modules, strict=True):
        assert entry.name_unicode == entry.stream_name == module.name
        assert entry.stream_name_unicode == module.name
        assert entry.offset == 0
        assert entry.cookie == 0xFFFF
        assert entry.type_id == module_type_id(module)
    by_name = {entry.name: entry for entry in found}
    assert by_name["Dictionary"].type_id == 0x0022


def test_project_stream(project: bytes) -> None:
    ole = open_strictly(project)
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    match = re.fullmatch(r'ID="(\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\})"', lines[0])
    assert match is not None
    project_id = match.group(1)
    modules = expected_modules()
    assert lines[1 : 1 + len(modules)] == [project_line(m) for m in modules]
    assert "Class=Dictionary" in lines
    assert sum(line.startswith("Class=") for line in lines) == 1
    rest = lines[1 + len(modules) :]
    assert rest[:3] == ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    values = dict(line.split("=", 1) for line in rest[3:6])
    assert list(values) == ["CMG", "DPB", "GC"]
    expected = {"CMG": bytes(4), "DPB": b"\x00", "GC": b"\xff"}
    hex_lengths = {"CMG": range(22, 29), "DPB": range(16, 23), "GC": range(16, 23)}
    for name, quoted in values.items():
        hex_text = quoted.strip('"')
        assert len(hex_text) in hex_lengths[name]
        assert decrypt(hex_text) == (2, sum(project_id.encode()) & 0xFF, expected[name])
    assert rest[6:10] == [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
    ]
    assert rest[10] == "[Workspace]"
    assert rest[11:-1] == [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    assert rest[-1] == ""


def test_decryption_reads_the_spec_example() -> None:
    # MS-OVBA 3.1.6: an unprotected, visible project without a password.
    key = sum(b"{917DED54-440B-4FD1-A5C1-74ACF261E600}") & 0xFF
    assert decrypt("0705D8E3D8EDDBF1DBF1DBF1DBF1") == (2, key, bytes(4))
    assert decrypt("0E0CD1ECDFF4E7F5E7F5E7") == (2, key, b"\x00")
    assert decrypt("1517CAF1D6F9D7F9D706") == (2, key, b"\xff")


def test_project_wm_stream(project: bytes) -> None:
    data = open_strictly(project).openstream("PROJECTwm").read()
    expected = b"".join(
        m.name.encode("cp1252") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
        for m in expected_modules()
    )
    assert data == expected + b"\x00\x00"


# --- Determinism -----------------------------------------------------------------------------


def test_same_input_gives_the_same_bytes(project: bytes) -> None:
    assert partnersheet_vba_project(list(SHEETS)) == project


def test_different_sheets_give_different_projects(project: bytes) -> None:
    other = partnersheet_vba_project(["Sheet1", "Sheet2"])
    assert other != project
    names = [record.name for record in module_records(dir_records(other))]
    assert names == ["ThisWorkbook", "Sheet1", "Sheet2", "xlwings", "Dictionary", BUTTON_MODULE]
    first_ids = {
        open_strictly(data).openstream("PROJECT").read().split(b"\r\n")[0]
        for data in (project, other)
    }
    assert len(first_ids) == 2


# --- The module sources -----------------------------------------------------------------------


def test_xlwings_module_is_the_installed_version() -> None:
    source = xlwings_module_source()
    versions = re.findall(r"^'Version: (\S+)\r$", source, flags=re.MULTILINE)
    assert versions == [xlwings.__version__]
    assert not re.search(r"^Attribute VB_Name", source, flags=re.MULTILINE)
    assert "\n" not in source.replace("\r\n", "")
    assert "Copyright (C) 2014-present, Zoomer Analytics LLC." in source
    assert "Redistribution and use in source and binary forms" in source


def test_dictionary_module_is_the_installed_class() -> None:
    exported = installed_xlwings_file("addin/Dictionary.cls")
    # The export: the VERSION/BEGIN/END block, the module attributes, then the class's code.
    match = re.fullmatch(
        r"VERSION 1\.0 CLASS\r\nBEGIN\r\n(?:[^\r\n]*\r\n)*?END\r\n"
        r"(?P<attributes>(?:Attribute VB_\w+ = [^\r\n]*\r\n)+)(?P<code>.*)",
        exported,
        flags=re.DOTALL,
    )
    assert match is not None
    dropped = re.findall(r"^Attribute (VB_\w+) = ", match["attributes"], flags=re.MULTILINE)
    assert dropped == [
        "VB_Name",
        "VB_GlobalNameSpace",
        "VB_Creatable",
        "VB_PredeclaredId",
        "VB_Exposed",
        "VB_Description",
    ]
    source = xlwings_dictionary_source()
    assert source == match["code"]
    assert "\n" not in source.replace("\r\n", "")
    assert not re.search(r"^(VERSION|BEGIN|END\r|Attribute VB_)", source, flags=re.MULTILINE)
    # The licence header stays, and so do the member attributes inside the procedures.
    assert source.startswith("''\r\n' Dictionary v1.4.1\r\n' (c) Tim Hall - ")
    assert "' @license: MIT (http://www.opensource.org/licenses/mit-license.php\r\n" in source
    member_attributes = re.findall(r"^Attribute (\w+)\.(VB_\w+) = ", source, flags=re.MULTILINE)
    assert ("Item", "VB_UserMemId") in member_attributes
    assert ("Count", "VB_Description") in member_attributes
    assert len(member_attributes) == len(re.findall(r"^Attribute ", exported, flags=re.M)) - 6


def test_xlwings_module_needs_the_dictionary_class(project: bytes) -> None:
    # On the Mac, xlwings' module makes its own Dictionary instead of Scripting.Dictionary.
    assert re.search(r"^\s*Set d = New Dictionary\r$", xlwings_module_source(), flags=re.M)
    assert "\r\nPublic Property Get Item(" in xlwings_dictionary_source()
    names = [record.name for record in module_records(dir_records(project))]
    assert names.index("xlwings") < names.index("Dictionary") < names.index(BUTTON_MODULE)


def test_class_module_records() -> None:
    source = "Option Explicit\r\nPublic Value As Long\r\n"
    modules = [VbaModule("Widget", source, CLASS), VbaModule("Helpers", "", STANDARD)]
    data = build_vba_project(modules)
    ole = open_strictly(data)
    text = decompress(ole.openstream("VBA/Widget").read()).decode("cp1252")
    assert text == stored_text(modules[0])
    assert text.split("\r\n")[:2] == [
        'Attribute VB_Name = "Widget"',
        f'Attribute VB_Base = "{CLASS_BASE}"',
    ]
    assert [record.type_id for record in module_records(dir_records(data))] == [0x22, 0x21]
    project_lines = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    assert project_lines[1:3] == ["Class=Widget", "Module=Helpers"]


def test_module_kind_must_be_a_module_kind() -> None:
    module = VbaModule("Old", "", True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ModuleKind"):
        build_vba_project([module])


def test_button_module() -> None:
    module = button_module()
    assert module.name == BUTTON_MODULE
    assert module.kind is STANDARD
    lines = module.source.split("\r\n")
    assert lines[0] == f"Sub {RECALCULATE_MACRO}()"
    assert lines[1].lstrip().startswith("'")
    assert lines[2].strip() == RUN_PYTHON
    assert lines[3:] == ["End Sub", ""]


def test_line_ends_become_crlf() -> None:
    data = build_vba_project([VbaModule("Mixed", "Sub A()\n    x = 1\rEnd Sub", STANDARD)])
    stream = open_strictly(data).openstream("VBA/Mixed").read()
    assert (
        decompress(stream) == b'Attribute VB_Name = "Mixed"\r\nSub A()\r\n    x = 1\r\nEnd Sub\r\n'
    )


# --- The compound file's directory ------------------------------------------------------------


# MS-CFB directory entry colours, and the "no entry" sibling id.
RED, BLACK = 0, 1
NOSTREAM = 0xFFFFFFFF


def cfb_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def check_red_black(ole: olefile.OleFileIO, storage: int) -> list[str]:
    """The siblings under ``storage`` in order, after checking the red-black tree they form."""
    entries = ole.direntries
    root = entries[storage].sid_child
    assert entries[root].color == BLACK

    def walk(sid: int) -> tuple[int, list[str]]:
        if sid == NOSTREAM:
            return 1, []
        entry = entries[sid]
        if entry.color == RED:
            for kid in (entry.sid_left, entry.sid_right):
                assert kid == NOSTREAM or entries[kid].color == BLACK
        left_height, left_names = walk(entry.sid_left)
        right_height, right_names = walk(entry.sid_right)
        assert left_height == right_height
        return left_height + (entry.color == BLACK), [
            *left_names,
            entry.name,
            *right_names,
        ]

    _, names = walk(root)
    assert names == sorted(names, key=cfb_key)
    return names


@pytest.mark.parametrize("count", [1, 2, 3, 7, 15, 16, 40])
def test_directory_trees_are_red_black(count: int) -> None:
    kinds = (STANDARD, CLASS, DOCUMENT)
    modules = [VbaModule(f"M{n:02d}x" * (n % 3 + 1), "", kinds[n % 3]) for n in range(count)]
    ole = open_strictly(build_vba_project(modules))
    vba = next(i for i, entry in enumerate(ole.direntries) if entry and entry.name == "VBA")
    names = check_red_black(ole, vba)
    assert sorted(names) == sorted(["_VBA_PROJECT", "dir", *(m.name for m in modules)])
    assert check_red_black(ole, 0) == ["VBA", "PROJECT", "PROJECTwm"]


def test_partnersheet_directory_is_red_black(project: bytes) -> None:
    ole = open_strictly(project)
    vba = next(i for i, entry in enumerate(ole.direntries) if entry and entry.name == "VBA")
    names = check_red_black(ole, vba)
    assert names[:3] == ["dir", "Sheet1", "Sheet2"]


def test_large_and_tiny_modules_round_trip(olevba: ModuleType) -> None:
    rng = random.Random(11)
    # Random identifiers compress poorly, so this module needs regular sectors.
    big = "\r\n".join(f'    s = "{rng.randbytes(24).hex()}"' for _ in range(400))
    big_source = f"Sub Big()\r\n{big}\r\nEnd Sub\r\n"
    tiny_source = "Sub T()\r\nEnd Sub\r\n"
    modules = [VbaModule("Big", big_source, STANDARD), VbaModule("Tiny", tiny_source, STANDARD)]
    data = build_vba_project(modules)
    ole = open_strictly(data)
    assert ole.get_size("VBA/Big") > 4096
    assert ole.get_size("VBA/Tiny") < 64
    found = {path: code for path, (_, code) in extract(olevba, data).items()}
    for module in modules:
        assert normalised(found[f"VBA/{module.name}"]) == normalised(stored_text(module))


def test_difat_sectors_for_a_large_file() -> None:
    # More than 109 FAT sectors (about 7 MB) need DIFAT sectors beyond the header.
    big = random.Random(5).randbytes(8 * 1024 * 1024)
    data = write_compound_file(Storage("Root Entry", (Stream("Big", big), Stream("small", b"abc"))))
    (difat_sectors,) = struct.unpack_from("<I", data, 0x48)
    assert difat_sectors == 1
    ole = open_strictly(data)
    assert ole.openstream("Big").read() == big
    assert ole.openstream("small").read() == b"abc"


# --- Refused input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modules", "message"),
    [
        ([VbaModule("A", "", STANDARD), VbaModule("a", "", CLASS)], "is taken"),
        ([VbaModule("VBAProject", "", STANDARD)], "is taken"),
        ([VbaModule("1st", "", STANDARD)], "not a VBA identifier"),
        ([VbaModule("has space", "", STANDARD)], "not a VBA identifier"),
        ([VbaModule("M" * 32, "", STANDARD)], "not a VBA identifier"),
        ([VbaModule("dir", "", STANDARD)], "named"),
        ([VbaModule("Uni", "' \u2603", STANDARD)], "code page 1252"),
        ([VbaModule("Attr", 'Attribute VB_Name = "Attr"\r\n', STANDARD)], "Attribute"),
        ([VbaModule("Cls", "VERSION 1.0 CLASS\r\nBEGIN\r\nEND\r\n", CLASS)], "VERSION"),
    ],
)
def test_bad_modules_are_refused(modules: list[VbaModule], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vba_project(modules)


def test_project_id_is_a_guid(project: bytes) -> None:
    first = open_strictly(project).openstream("PROJECT").read().split(b"\r\n")[0]
    uuid.UUID(first.decode("ascii")[4:-1])
