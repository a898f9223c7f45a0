"""Render a reviewed workbook's Review sheet to PDF and PNG with LibreOffice, to look at it.

Usage: python scripts/render_review.py REVIEWED.xlsx OUTPUT_FOLDER
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl


def render(workbook: Path, folder: Path) -> list[Path]:
    """Write Review.pdf and Review-N.png pages into `folder`; return the PNG paths."""
    folder.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed.")
    book = openpyxl.load_workbook(workbook)
    for title in book.sheetnames:
        if title != "Review":
            book.remove(book[title])
    with tempfile.TemporaryDirectory() as scratch:
        only_review = Path(scratch) / "Review.xlsx"
        book.save(only_review)
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
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(folder / "Review")], check=True)
    return sorted(folder.glob("Review*.png"))


if __name__ == "__main__":
    for page in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(page)
