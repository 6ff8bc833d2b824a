"""Against the labelled nhsa-texts: every provision a trainer cites is found in the tree, with the phrases
that lie inside it, and no trap line (header, signature, date, addressee, stray text) is inside any provision."""
import json

import pytest

from yibao.document import iter_provisions, parse_document
from yibao.document.textview import compact

from .conftest import CORPUS

LABELLED = sorted((CORPUS / "nhsa-texts").glob("*.lessons.json")) if CORPUS.is_dir() else []


def _subtree_text(p) -> str:
    return "".join(compact((q.heading or "") + q.text) for q in iter_provisions([p]))


def _by_ref(doc) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in iter_provisions(doc):
        key = p.ref.replace("、", "")
        out.setdefault(key, _subtree_text(p))
    return out


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.name.split(".")[0])
def test_cited_provisions_and_their_phrases(path):
    labels = json.loads(path.read_text(encoding="utf-8"))
    doc = parse_document((path.parent / f"{labels['id']}.txt").read_text(encoding="utf-8"))
    by_ref = _by_ref(doc)
    preamble = compact("".join(doc.preamble))
    missing = []
    for role, spec in labels["roles"].items():
        for point in spec.get("key_points", []):
            ref = point["ref"].replace("、", "")
            text = preamble if ref == "preamble" else by_ref.get(ref)
            if text is None:
                missing.append(f"{role}: {ref} not in the tree")
                continue
            for phrase in point["must_mention"]:
                if compact(phrase) not in text:
                    missing.append(f"{role}: {ref} lacks {phrase!r}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.name.split(".")[0])
def test_no_trap_line_inside_a_provision(path):
    labels = json.loads(path.read_text(encoding="utf-8"))
    doc = parse_document((path.parent / f"{labels['id']}.txt").read_text(encoding="utf-8"))
    texts = [compact(p.text) for p in iter_provisions(doc)] + [compact(s.text) for p in iter_provisions(doc)
                                                               for s in p.sentences]
    for trap in labels.get("traps", []):
        t = compact(trap)
        assert not any(t in x for x in texts), f"trap {trap!r} inside a provision"
