"""What xlwings Lite needs to run partnersheet: a script for its editor and its requirements."""

from __future__ import annotations

from importlib.resources import files

#: The shape on the Partners sheet that runs the script, and the cell its link points to.
BUTTON_SHAPE = "Recalculate"
BUTTON_CELL = "Partners!A1"


def script() -> str:
    """The Python to paste into the Lite editor's main.py."""
    return files(__package__).joinpath("main.py").read_text(encoding="utf-8")


def requirements() -> str:
    """The lines for the Lite editor's requirements.txt."""
    from importlib.metadata import version

    return f"xlwings=={version('xlwings')}\npartnersheet=={version('partnersheet')}\n"
