"""Path parameters shared by the plugin's routes."""
from typing import Annotated

from fastapi import Path

# a store row id: an id past the database's 64-bit integers is refused (422) before any query,
# not turned into a 500 by the driver ("Python int too large to convert to SQLite INTEGER")
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
