"""Legacy Word (.doc) and WPS files, read through a converter on this machine.

Converters are tried in order: antiword, catdoc, libreoffice/soffice. None is
a Python package, so the result says plainly when none is installed.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .garble import check_text
from .model import AttachmentText, Limits

NO_CONVERTER = "no DOC converter on this machine: install antiword or libreoffice"


def available_converters() -> list[str]:
    return [name for name in ("antiword", "catdoc", "libreoffice", "soffice") if shutil.which(name)]


def _command(tool: str, path: Path, outdir: Path) -> list[str]:
    if tool == "antiword":
        return [tool, "-m", "UTF-8.txt", "-w", "0", str(path)]
    if tool == "catdoc":
        return [tool, "-d", "utf-8", "-w", str(path)]
    return [tool, "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(outdir), str(path)]


def extract_doc(data: bytes, kind: str, limits: Limits) -> AttachmentText:
    tools = available_converters()
    if not tools:
        return AttachmentText(kind=kind, status="not_extracted", reason=NO_CONVERTER)
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="yibao-doc-") as tmp:
        src = Path(tmp) / f"input.{'wps' if kind == 'wps' else 'doc'}"
        src.write_bytes(data)
        for tool in tools:
            try:
                proc = subprocess.run(_command(tool, src, Path(tmp)), capture_output=True,
                                      timeout=limits.timeout_s, check=False)
            except subprocess.TimeoutExpired:
                failures.append(f"{tool}: timed out after {limits.timeout_s:g}s")
                continue
            if tool in ("libreoffice", "soffice"):
                out = Path(tmp) / "input.txt"
                text = out.read_text("utf-8", errors="replace") if out.exists() else ""
            else:
                text = proc.stdout.decode("utf-8", errors="replace")
            if proc.returncode != 0 or not text.strip():
                err = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
                failures.append(f"{tool}: exit {proc.returncode}" + (f" ({err[-1]})" if err else ""))
                continue
            verdict = check_text(text)
            if verdict.garbled:
                failures.append(f"{tool}: garbled output ({verdict.reason})")
                continue
            result = AttachmentText(kind=kind, text=text.replace("\r\n", "\n").strip(), engine=tool)
            result.warnings.extend(failures)
            return result
    status = "garbled" if failures and all("garbled" in f for f in failures) else "error"
    return AttachmentText(kind=kind, status=status, reason="; ".join(failures))
