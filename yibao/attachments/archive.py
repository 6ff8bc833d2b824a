"""ZIP archives: list the members and extract every supported one."""
from __future__ import annotations

import io
import zipfile
from typing import Callable

from .guard import check_member, check_time, read_member
from .model import AttachmentText, ExtractionRefused, Limits


def member_name(info: zipfile.ZipInfo) -> str:
    """Member name, repairing GBK names stored without the UTF-8 flag (Windows zips)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def extract_zip(data: bytes, limits: Limits, extract: Callable[..., AttachmentText], depth: int) -> AttachmentText:
    result = AttachmentText(kind="zip", engine="zipfile")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_zip_members:
            result.warnings.append(f"{len(infos)} members; only the first {limits.max_zip_members} are read")
            infos = infos[: limits.max_zip_members]
        budget = limits.max_unpacked_bytes
        parts = []
        for info in infos:
            name = member_name(info)
            if depth >= limits.max_zip_depth:
                member = AttachmentText(kind="zip", status="not_extracted", filename=name,
                                        reason=f"nested archive deeper than {limits.max_zip_depth} levels")
            else:
                try:
                    check_time(f"reading archive member {name}")
                    size = check_member(data, info, limits)   # declared and real size, per-member cap
                    if size > budget:
                        raise ExtractionRefused(
                            f"member inflates to {size} bytes; {budget} bytes left of the "
                            f"{limits.max_unpacked_bytes}-byte limit per archive ({Limits.env_name('max_unpacked_bytes')})")
                    budget -= size
                    member = extract(read_member(zf, info, limits), name, limits=limits, _depth=depth + 1)
                except ExtractionRefused as exc:
                    member = AttachmentText(kind="unknown", status="refused", filename=name, reason=exc.reason)
                member.filename = name
            result.members.append(member)
            if member.text:
                parts.append(f"=== {name} ===\n{member.text}")
            result.tables.extend(member.tables)
            result.rows.extend(member.rows)
    result.text = "\n\n".join(parts)
    bad = [m for m in result.members if m.status != "ok"]
    for m in bad:
        result.warnings.append(f"{m.filename}: {m.status}: {m.reason}")
    if not result.members:
        result.status, result.reason = "not_extracted", "empty archive"
    elif len(bad) == len(result.members):
        refused = next((m for m in bad if m.status == "refused"), None)
        if refused is not None:
            result.status, result.reason = "refused", f"{refused.filename}: {refused.reason}"
        else:
            result.status, result.reason = "not_extracted", "no member could be extracted"
    return result
