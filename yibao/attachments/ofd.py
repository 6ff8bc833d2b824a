"""OFD (GB/T 33190) text: the TextCode elements of each page's Content.xml."""
from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from .guard import check_time, check_xml_elements, read_member, scan_archive
from .model import AttachmentText, Limits

# no entity expansion, no network, libxml2's default depth/size caps (huge_tree off)
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_PAGE = re.compile(r"Pages/Page_(\d+)/Content\.xml$", re.I)


def extract_ofd(data: bytes, limits: Limits) -> AttachmentText:
    scan_archive(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        pages = sorted(((int(m.group(1)), n) for n in zf.namelist() if (m := _PAGE.search(n))))
        texts = []
        for _, name in pages[: limits.max_pages]:
            check_time(f"reading OFD page {name}")
            content = read_member(zf, zf.getinfo(name), limits)
            check_xml_elements(io.BytesIO(content), name, limits)
            root = etree.fromstring(content, _SAFE_XML)
            lines, last_y = [], None
            for obj in root.iter("{*}TextObject"):
                boundary = (obj.get("Boundary") or "0 0").split()
                y = boundary[1] if len(boundary) > 1 else None
                piece = "".join(code.text or "" for code in obj.iter("{*}TextCode"))
                if lines and y == last_y:
                    lines[-1] += piece
                else:
                    lines.append(piece)
                last_y = y
            texts.append("\n".join(lines))
    result = AttachmentText(kind="ofd", text="\n".join(texts).strip(), pages=len(pages), engine="ofd-xml")
    if len(pages) > limits.max_pages:
        result.status, result.partial = "too_large", True
        result.reason = f"{len(pages)} pages exceed the limit of {limits.max_pages}; PARTIAL TEXT: first {limits.max_pages} pages"
    if not result.text:
        result.status, result.reason = "not_extracted", "OFD has no TextCode elements (image-only?)"
    return result
