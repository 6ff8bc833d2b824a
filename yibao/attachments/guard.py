"""Limits enforced while extracting: a time budget per attachment and bounded archive reads.

The time budget is cooperative: `check_time()` is called between steps (archive chunks,
document paragraphs, sheet rows, pages). Single steps are bounded by the size caps, so an
attachment never runs much past its budget.

Archive members are checked twice: the uncompressed size their header declares, and the
bytes actually inflated while reading (headers can lie).
"""
from __future__ import annotations

import contextlib
import contextvars
import time
import zipfile
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
    if total > limits.max_unpacked_bytes:
        raise ExtractionRefused(f"archive inflates to {_size(total)} in all, over the limit of "
                                f"{_size(limits.max_unpacked_bytes)} ({Limits.env_name('max_unpacked_bytes')})")


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, *, keep: bool = True) -> bytes:
    """The member's bytes, counted while inflating; refused past the per-member cap."""
    if info.file_size > limits.max_member_bytes:
        raise _too_big(info.filename, _size(info.file_size), limits)
    chunks, count = [], 0
    with zf.open(info) as stream:
        while chunk := stream.read(CHUNK):
            count += len(chunk)
            if count > limits.max_member_bytes:
                raise _too_big(info.filename, f"more than {_size(limits.max_member_bytes)} "
                                              f"(its header said {_size(info.file_size)})", limits)
            if keep:
                chunks.append(chunk)
            check_time(f"inflating {info.filename}")
    return b"".join(chunks)


def scan_archive(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Check an OOXML/OFD package before a library opens it: declared sizes, then real sizes."""
    check_declared_sizes(zf, limits)
    for info in zf.infolist():
        if not info.is_dir():
            read_member(zf, info, limits, keep=False)
