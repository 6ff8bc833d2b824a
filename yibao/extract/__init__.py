"""Document metadata of 医保 policy texts (发文字号, dates, 施行, 废止, 附件, outline).

    from yibao.extract import extract_metadata
    meta = extract_metadata(text, hints={"publish_date": "2025-12-07"})
    meta.to_dict()
"""
from .clauses_rules import Effective, find_effective, find_repeals
from yibao.document.dates import parse_cn_date
from yibao.document.docnumber import DocNumber, find_doc_numbers
from .meta import DocumentMeta, extract_metadata

__all__ = ["DocNumber", "DocumentMeta", "Effective", "extract_metadata", "find_doc_numbers",
           "find_effective", "find_repeals", "parse_cn_date"]
