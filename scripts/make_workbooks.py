"""Regenerate the checked-in workbooks from the template code.

Run after changing partnersheet.files.template or its example; tests/test_template.py
fails until you do.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbook_template.xlsx"
EXAMPLE = ROOT / "examples" / "partners.xlsx"


def main() -> None:
    # Runnable from a checkout without installing the package first.
    sys.path.insert(0, str(ROOT / "src"))
    from partnersheet.files.template import write_new_workbook

    for path, example in ((TEMPLATE, False), (EXAMPLE, True)):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_new_workbook(path, example=example, force=True)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
