"""A version 3 compound file (MS-CFB): the container of a VBA project."""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass

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
class Stream:
    name: str
    data: bytes


@dataclass(frozen=True)
class Storage:
    name: str
    children: tuple[Stream | Storage, ...]


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


@dataclass(frozen=True)
class _Tree:
    """The directory entries in pre-order, with the red-black links among siblings."""

    nodes: tuple[Stream | Storage, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    child: tuple[int, ...]
    color: tuple[int, ...]


@dataclass(frozen=True)
class _Placement:
    """Small streams packed into the mini stream; the large ones still need sectors."""

    mini_stream: bytes
    mini_fat: tuple[int, ...]
    # Per entry: the first mini sector of a small stream, ENDOFCHAIN for an empty one.
    start: tuple[int, ...]
    size: tuple[int, ...]
    big: tuple[tuple[int, bytes], ...]


@dataclass(frozen=True)
class _Layout:
    """The FAT and where each part of the file starts, in sectors after the header."""

    fat: tuple[int, ...]
    fat_sectors: int
    difat_sectors: int
    dir_sectors: int
    first_dir: int
    mini_fat_sectors: int
    first_mini_fat: int
    # Per entry: the start and size the directory records (the root's is the mini stream).
    start: tuple[int, ...]
    size: tuple[int, ...]


def write_compound_file(root: Storage) -> bytes:
    """A version 3 compound file (512-byte sectors) holding the tree under ``root``."""
    tree = _directory_tree(root)
    placement = _place_streams(tree.nodes)
    layout = _lay_out_sectors(placement, len(tree.nodes))
    # Unused mini FAT entries are free, not zero (zero would chain to mini sector 0).
    mini_fat = list(placement.mini_fat)
    mini_fat += [_FREESECT] * (layout.mini_fat_sectors * _IDS_PER_SECTOR - len(mini_fat))
    body = bytearray(_write_header(layout))
    body += _pack_ids(layout.fat)
    body += _write_difat(layout)
    body += _write_directory(tree, layout)
    body += _pack_ids(mini_fat)
    for part in (placement.mini_stream, *(data for _, data in placement.big)):
        body += part.ljust(_sectors(len(part), _SECTOR) * _SECTOR, b"\x00")
    return bytes(body)


def _directory_tree(root: Storage) -> _Tree:
    """Collect the entries under ``root`` in pre-order and link each storage's children."""
    nodes, members = _collect_entries(root)
    count = len(nodes)
    left = [_NOSTREAM] * count
    right = [_NOSTREAM] * count
    child = [_NOSTREAM] * count
    color = [_BLACK] * count
    for index, siblings in enumerate(members):
        if siblings:
            child[index] = _link_siblings(siblings, left, right, color)
    return _Tree(tuple(nodes), tuple(left), tuple(right), tuple(child), tuple(color))


def _collect_entries(root: Storage) -> tuple[list[Stream | Storage], list[list[int]]]:
    """The entries under ``root`` in pre-order, and for each the ids of its children."""
    # Directory entries in pre-order; each storage's children in the order of their names.
    nodes: list[Stream | Storage] = []
    members: list[list[int]] = []

    def visit(node: Stream | Storage) -> None:
        index = len(nodes)
        nodes.append(node)
        members.append([])
        if isinstance(node, Storage):
            for member in _sorted_children(node):
                members[index].append(len(nodes))
                visit(member)

    visit(root)
    return nodes, members


def _sorted_children(storage: Storage) -> list[Stream | Storage]:
    """The children of ``storage`` in the order of their names, after checking the names."""
    children = sorted(storage.children, key=lambda member: _name_key(member.name))
    for member in children:
        _check_entry_name(member.name)
    for first, second in itertools.pairwise(children):
        if _name_key(first.name) == _name_key(second.name):
            raise ValueError(f"two entries of {storage.name!r} are named {second.name!r}")
    return children


def _place_streams(nodes: tuple[Stream | Storage, ...]) -> _Placement:
    """Pack the small streams into the mini stream and set the large ones aside."""
    # Streams under the cutoff go to the mini stream, the rest to sectors of their own.
    mini_stream = bytearray()
    mini_fat: list[int] = []
    start = [0] * len(nodes)
    size = [0] * len(nodes)
    big: list[tuple[int, bytes]] = []
    for index, node in enumerate(nodes):
        if not isinstance(node, Stream):
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
    return _Placement(bytes(mini_stream), tuple(mini_fat), tuple(start), tuple(size), tuple(big))


def _lay_out_sectors(placement: _Placement, entries: int) -> _Layout:
    """Size the FAT and DIFAT, then chain every part of the file in the FAT."""
    dir_sectors = _sectors(entries * _ENTRY_SIZE, _SECTOR)
    mini_fat_sectors = _sectors(len(placement.mini_fat) * 4, _SECTOR)
    mini_stream_sectors = _sectors(len(placement.mini_stream), _SECTOR)
    big_sectors = [_sectors(len(data), _SECTOR) for _, data in placement.big]
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
    start = list(placement.start)
    for (index, _), used in zip(placement.big, big_sectors, strict=True):
        start[index] = len(fat)
        fat += _chain(len(fat), used)
    fat += [_FREESECT] * (fat_sectors * _IDS_PER_SECTOR - len(fat))
    start[0] = root_start
    size = list(placement.size)
    size[0] = len(placement.mini_stream)
    return _Layout(
        fat=tuple(fat),
        fat_sectors=fat_sectors,
        difat_sectors=difat_sectors,
        dir_sectors=dir_sectors,
        first_dir=first_dir,
        mini_fat_sectors=mini_fat_sectors,
        first_mini_fat=first_mini_fat,
        start=tuple(start),
        size=tuple(size),
    )


def _write_difat(layout: _Layout) -> bytes:
    """The DIFAT sectors: the ids of the FAT sectors the header has no room for."""
    rest = list(range(layout.fat_sectors))[_HEADER_DIFAT:]
    difat = bytearray()
    for number in range(layout.difat_sectors):
        ids = rest[number * (_IDS_PER_SECTOR - 1) : (number + 1) * (_IDS_PER_SECTOR - 1)]
        ids += [_FREESECT] * (_IDS_PER_SECTOR - 1 - len(ids))
        following = (
            layout.fat_sectors + number + 1 if number + 1 < layout.difat_sectors else _ENDOFCHAIN
        )
        difat += struct.pack(f"<{_IDS_PER_SECTOR}I", *ids, following)
    return bytes(difat)


def _write_directory(tree: _Tree, layout: _Layout) -> bytes:
    """The directory sectors: one entry per node, then unused entries to fill the sector."""
    directory = bytearray()
    for index, node in enumerate(tree.nodes):
        kind = _ROOT if index == 0 else _STORAGE if isinstance(node, Storage) else _STREAM
        directory += _dir_entry(
            node.name,
            kind,
            tree.color[index],
            tree.left[index],
            tree.right[index],
            tree.child[index],
            layout.start[index],
            layout.size[index],
        )
    unused = struct.pack("<64sHBB3I", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM)
    unused = unused.ljust(_ENTRY_SIZE, b"\x00")
    directory += unused * (layout.dir_sectors * (_SECTOR // _ENTRY_SIZE) - len(tree.nodes))
    return bytes(directory)


def _write_header(layout: _Layout) -> bytes:
    """The 512-byte header, ending with the ids of the first 109 FAT sectors."""
    header_difat = list(range(layout.fat_sectors))[:_HEADER_DIFAT]
    header_difat += [_FREESECT] * (_HEADER_DIFAT - len(header_difat))
    return struct.pack(
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
        layout.fat_sectors,
        layout.first_dir,
        0,  # transaction signature
        _MINI_CUTOFF,
        layout.first_mini_fat,
        layout.mini_fat_sectors,
        layout.fat_sectors if layout.difat_sectors else _ENDOFCHAIN,
        layout.difat_sectors,
    ) + struct.pack(f"<{_HEADER_DIFAT}I", *header_difat)


def _pack_ids(ids: list[int] | tuple[int, ...]) -> bytes:
    """Sector ids as little-endian 32-bit integers."""
    return struct.pack(f"<{len(ids)}I", *ids)


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
