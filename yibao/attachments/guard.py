"""Limits enforced while extracting: a time budget per attachment and bounded archive reads.

The time budget is cooperative: `check_time()` is called between steps (archive chunks,
document paragraphs, sheet rows, pages). Single steps are bounded by the size caps, so an
attachment never runs much past its budget.

Archive members are checked twice: the uncompressed size their headers declare, and the
bytes their data really inflates to, counted in bounded steps (headers can lie).
"""
from __future__ import annotations

import contextlib
import contextvars
import io
import struct
import time
import zipfile
import zlib
from typing import Iterator

from .model import ExtractionRefused, Limits

CHUNK = 1024 * 1024

_deadline: contextvars.ContextVar["Deadline | None"] = contextvars.ContextVar("yibao_extract_deadline", default=None)


class Deadline:
    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.ends = time.monotonic() + timeout_s

    def check(self, doing: str) -> None:
        if time.monotonic() > self.ends:
            raise ExtractionRefused(f"gave up after {self.timeout_s:g} s while {doing} "
                                    f"(time limit per attachment, {Limits.env_name('timeout_s')})")


@contextlib.contextmanager
def time_budget(limits: Limits) -> Iterator[Deadline]:
    """The deadline of this attachment; nested calls (archive members) share the outermost one."""
    current = _deadline.get()
    if current is not None:
        yield current
        return
    token = _deadline.set(Deadline(limits.timeout_s))
    try:
        yield _deadline.get()
    finally:
        _deadline.reset(token)


def check_time(doing: str) -> None:
    deadline = _deadline.get()
    if deadline is not None:
        deadline.check(doing)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n} bytes"


def _too_big(name: str, size: str, limits: Limits) -> ExtractionRefused:
    return ExtractionRefused(f"archive member {name} inflates to {size}, over the limit of "
                             f"{_size(limits.max_member_bytes)} per member ({Limits.env_name('max_member_bytes')})")


def check_declared_sizes(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse before reading when a member's header (or all of them) declares too much."""
    total = 0
    for info in zf.infolist():
        if info.file_size > limits.max_member_bytes:
            raise _too_big(info.filename, _size(info.file_size), limits)
        total += info.file_size
    _check_total(total, limits)


def _check_total(total: int, limits: Limits) -> None:
    if total > limits.max_unpacked_bytes:
        raise ExtractionRefused(f"archive inflates to {_size(total)} in all, over the limit of "
                                f"{_size(limits.max_unpacked_bytes)} ({Limits.env_name('max_unpacked_bytes')})")


def inflated_size(data: bytes, info: zipfile.ZipInfo, limits: Limits) -> int:
    """Bytes the member really inflates to, counted by inflating its raw data in bounded steps
    (never trusting the sizes in its headers); refused as soon as the count passes the cap."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        return info.file_size  # stored, other codecs, encrypted: zipfile reads at most the declared size
    if data[info.header_offset:info.header_offset + 4] != b"PK\x03\x04":
        raise ExtractionRefused(f"archive member {info.filename}: no local header where the directory points")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total, pos = 0, start
    while not inflater.eof and pos < len(data):
        pending = data[pos:pos + CHUNK]
        pos += len(pending)
        while pending and not inflater.eof:
            total += len(inflater.decompress(pending, CHUNK))   # at most CHUNK bytes out per step
            pending = inflater.unconsumed_tail
            if total > limits.max_member_bytes:
                said = f" (its header says {_size(info.file_size)})" if info.file_size < total else ""
                raise _too_big(info.filename, f"more than {_size(limits.max_member_bytes)}{said}", limits)
            check_time(f"inflating {info.filename}")
    return total


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """The member's bytes, counted while inflating; refused past the per-member cap."""
    if info.file_size > limits.max_member_bytes:
        raise _too_big(info.filename, _size(info.file_size), limits)
    chunks, count = [], 0
    with zf.open(info) as stream:
        while chunk := stream.read(CHUNK):
            count += len(chunk)
            if count > limits.max_member_bytes:
                raise _too_big(info.filename, f"more than {_size(limits.max_member_bytes)}", limits)
            chunks.append(chunk)
            check_time(f"inflating {info.filename}")
    return b"".join(chunks)


def check_member(data: bytes, info: zipfile.ZipInfo, limits: Limits) -> int:
    """Declared and real size of one member against the per-member cap; returns the real size."""
    if info.file_size > limits.max_member_bytes:
        raise _too_big(info.filename, _size(info.file_size), limits)
    return inflated_size(data, info, limits)


def scan_archive(data: bytes, limits: Limits) -> None:
    """Check a whole OOXML/OFD package before a library opens it: declared sizes, then real sizes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_declared_sizes(zf, limits)
        total = 0
        for info in zf.infolist():
            if not info.is_dir():
                total += check_member(data, info, limits)
                _check_total(total, limits)


def check_xml_elements(source, name: str, limits: Limits) -> None:
    """Count the elements of an XML part in a streaming pass (constant memory) before a library
    builds the whole tree: 64 MiB of `<w:p/>` is 10 million elements and over 1 GB in lxml."""
    from lxml import etree

    count = 0
    for _event, element in etree.iterparse(source, events=("end",), resolve_entities=False, no_network=True):
        count += 1
        if count > limits.max_xml_elements:
            raise ExtractionRefused(f"{name} has more than {limits.max_xml_elements:,} XML elements "
                                    f"({Limits.env_name('max_xml_elements')})")
        element.clear(keep_tail=False)
        while element.getprevious() is not None:   # drop finished siblings: memory stays flat
            del element.getparent()[0]
        if count % 65536 == 0:
            check_time(f"counting the elements of {name}")


def check_xml_parts(data: bytes, limits: Limits, *, streamed: tuple[str, ...] = ()) -> None:
    """check_xml_elements on every .xml/.rels part of a package, except those a library streams."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            name = info.filename
            if name.lower().endswith((".xml", ".rels")) and not name.startswith(streamed):
                with zf.open(info) as stream:
                    check_xml_elements(stream, name, limits)
