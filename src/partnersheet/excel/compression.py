"""MS-OVBA compression (section 2.4.1), in which the VBA project keeps its source."""

from __future__ import annotations

import struct

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


def compress(data: bytes, *, allow_raw: bool = True) -> bytes:
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


def decompress(container: bytes) -> bytes:
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
