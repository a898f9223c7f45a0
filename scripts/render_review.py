"""Render a reviewed workbook's Review sheet to PDF and PNG with LibreOffice, to look at it.

Usage: python scripts/render_review.py REVIEWED.xlsx OUTPUT_FOLDER

The other sheets are hidden in a copy of the workbook (LibreOffice prints only the sheets
shown); nothing else in the copy changes, so the Review and its charts render as written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def only_review_shown(workbook: Path, target: Path) -> None:
    """A copy of `workbook` whose sheets other than Review are hidden, Review the active one."""
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = _review_alone(data.decode("utf-8")).encode("utf-8")
            copy.writestr(info, data)


def _review_alone(xml: str) -> str:
    sheets = re.findall(r"<sheet\b[^>]*>", xml)
    names = [re.search(r'\bname="([^"]*)"', tag).group(1) for tag in sheets]  # type: ignore[union-attr]
    if "Review" not in names:
        raise SystemExit("The workbook has no Review sheet.")
    for tag, name in zip(sheets, names, strict=True):
        shown = re.sub(r'\sstate="[^"]*"', "", tag)
        if name != "Review":
            shown = shown.replace("<sheet ", '<sheet state="hidden" ', 1)
        xml = xml.replace(tag, shown, 1)
    active = f'activeTab="{names.index("Review")}"'
    xml = re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", xml)
    return re.sub(r"<workbookView\b", f"<workbookView {active}", xml, count=1)


def render(workbook: Path, folder: Path) -> list[Path]:
    """Write Review.pdf and Review-N.png pages into `folder`; return the PNG paths."""
    folder.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed.")
    with tempfile.TemporaryDirectory() as scratch:
        only_review = Path(scratch) / f"Review{workbook.suffix}"
        only_review_shown(workbook, only_review)
        profile = Path(scratch) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(only_review),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    pdf = folder / "Review.pdf"
    if not pdf.exists():
        raise SystemExit(f"LibreOffice did not render {workbook}.")
    for old in folder.glob("Review*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(folder / "Review")], check=True)
    return sorted(folder.glob("Review*.png"))


if __name__ == "__main__":
    for page in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(page)
