"""Moved to `yibao.document.clauses`; this name stays an alias of that module."""
import sys

from yibao.document import clauses as _clauses

sys.modules[__name__] = _clauses
