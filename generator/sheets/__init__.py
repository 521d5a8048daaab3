"""Excel workbooks for clerks: export a unit's sheet, fill it, import it back into YAML.

A clerk who has never seen YAML fills a sheet; the import writes the values into the
record in place (ruamel.yaml round trip), so comments, key order and untouched values stay
as they were and the pull request shows only what the clerk changed. A bad cell, a formula,
a name that is not the id's person, or a record that would not validate is reported as
`sheet!B7: message` with the column's header, all at once, and nothing is written.

Modules: `layout` (sheets, columns, labels, limits), `export`, `reader` (bounded,
streamed), `cells` (cell values and their refusals), `apply` (in-place edits),
`importer` (the whole import, findings traced back to cells).
"""

from __future__ import annotations

from .export import export_appraisal, export_points
from .importer import Imported, import_workbook, target_path
from .layout import CATEGORY_SHEETS, POINTS_SHEET, SheetError

__all__ = [
    "CATEGORY_SHEETS",
    "POINTS_SHEET",
    "Imported",
    "SheetError",
    "export_appraisal",
    "export_points",
    "import_workbook",
    "target_path",
]
