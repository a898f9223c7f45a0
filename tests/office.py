"""Drive LibreOffice Calc through UNO, the way a person edits a workbook in a spreadsheet program.

Tests open a workbook, type values, add comments, sort, merge, insert or delete rows and save,
then run partnersheet on what LibreOffice wrote. One `Office` is a headless LibreOffice with a
private, temporary user profile, listening on a pipe only it uses::

    with Office() as office:
        document = office.open(path)
        document.set_value("Partners", "B3", 42)
        document.save_as(path)
        document.close()

The UNO bridge ships with LibreOffice (on Debian, in the package python3-uno), not on PyPI:
`uno_available` makes it importable from the test process when it is installed, and
`soffice_or_skip` skips a test without it on a person's machine and fails it in CI (where
the environment variable CI is set), as tests/test_libreoffice.py does for soffice.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

#: Where Debian's python3-uno puts uno.py, and where LibreOffice keeps pyuno and its libraries.
UNO_PATHS: tuple[str, ...] = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
#: Seconds to wait for a new LibreOffice to answer on its pipe; a first start can be slow.
CONNECT_TIMEOUT = 60.0
#: Seconds LibreOffice may take to quit once asked, before it is killed.
QUIT_TIMEOUT = 15.0

#: The export filter for each suffix `Document.save_as` writes.
SAVE_FILTERS: dict[str, str] = {
    ".xlsx": "Calc MS Excel 2007 XML",
    ".xlsm": "Calc MS Excel 2007 VBA XML",
}

#: com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NEVER_EXECUTE = 0
#: com.sun.star.document.UpdateDocMode.NO_UPDATE: links to other files are not updated.
NO_UPDATE = 0
#: com.sun.star.sheet.CellFlags VALUE | DATETIME | STRING | FORMULA: a cell's content, not its
#: comment or formatting.
CONTENT_FLAGS = 1 | 2 | 4 | 16
#: com.sun.star.sheet.FormulaResult.VALUE
FORMULA_RESULT_VALUE = 1

_uno: Any = None
_uno_error = ""


def uno_available() -> bool:
    """Whether the UNO bridge can be imported; imports it on first call.

    Only `uno` and `unohelper` are taken from the system's dist-packages: the folder is removed
    from sys.path again, so the tests cannot pick up other system packages by accident.
    """
    global _uno, _uno_error
    if _uno is not None:
        return True
    if _uno_error:
        return False
    added = [path for path in UNO_PATHS if path not in sys.path and Path(path).is_dir()]
    sys.path.extend(added)
    try:
        uno = importlib.import_module("uno")
        # Loaded while its folder is on the path, for tests that implement UNO interfaces.
        importlib.import_module("unohelper")
    except Exception as error:  # ImportError, or pyuno failing to bootstrap
        _uno_error = f"{type(error).__name__}: {error}"
        return False
    finally:
        # uno.py appends LibreOffice's program folder itself, which pyuno needs; only the
        # system's dist-packages is taken away again.
        if UNO_PATHS[0] in added:
            sys.path.remove(UNO_PATHS[0])
    _uno = uno
    return True


def find_soffice() -> str | None:
    """The path of LibreOffice's `soffice`, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_or_skip(*, uno: bool = True) -> str:
    """The path of soffice, with UNO importable (unless `uno` is False: converting files
    needs no bridge); else skipped locally, and a failure in CI."""
    soffice = find_soffice()
    if soffice is None:
        reason = "LibreOffice (soffice) is not on the PATH"
    elif uno and not uno_available():
        reason = f"LibreOffice's Python bridge (uno) cannot be imported: {_uno_error}"
    else:
        return soffice
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must install it (see .ci/run)")
    packages = "libreoffice-calc-nogui, python3-uno" if uno else "libreoffice-calc-nogui"
    pytest.skip(f"{reason}; install it ({packages}) to run these tests")


#: LibreOffice's setting "Recalculation on file load" for Excel and ODF files: 0 = always
#: (the default, 1, keeps the results stored in the file).
RECALCULATE_ON_LOAD = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculating_profile(folder: Path) -> Path:
    """`folder` made a fresh LibreOffice user profile that recalculates every formula on
    load (for `-env:UserInstallation=`)."""
    (folder / "user").mkdir(parents=True)
    (folder / "user" / "registrymodifications.xcu").write_text(
        RECALCULATE_ON_LOAD, encoding="utf-8"
    )
    return folder


def _property(name: str, value: Any) -> Any:
    prop = _uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name = name
    prop.Value = value
    return prop


def _file_url(path: str | os.PathLike[str]) -> str:
    return str(_uno.systemPathToFileUrl(str(Path(path).resolve())))


def _column_index(letters: str) -> int:
    """0-based index of a column given by its letters: "A" → 0, "AA" → 26."""
    if not letters.isascii() or not letters.isalpha():
        raise ValueError(f"not a column letter: {letters!r}")
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


class Document:
    """A workbook open in LibreOffice; sheets by name, cells and ranges in A1 notation."""

    def __init__(self, component: Any, path: Path) -> None:
        self.component = component
        self.path = path
        self.closed = False

    def __enter__(self) -> Document:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def sheet(self, name: str) -> Any:
        """The sheet called `name` (a UNO object); KeyError when there is none."""
        sheets = self.component.getSheets()
        if not sheets.hasByName(name):
            raise KeyError(
                f"no sheet {name!r} in {self.path.name}: {list(sheets.getElementNames())}"
            )
        return sheets.getByName(name)

    def _cell(self, sheet_name: str, cell: str) -> Any:
        return self.sheet(sheet_name).getCellRangeByName(cell)

    def set_value(self, sheet_name: str, cell: str, value: float | str | None) -> None:
        """Type `value` into a cell: a number as a number, text as text (even when it starts
        with "="), None empties the cell."""
        target = self._cell(sheet_name, cell)
        if value is None:
            target.clearContents(CONTENT_FLAGS)
        elif isinstance(value, str):
            target.setString(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            target.setValue(float(value))
        else:
            raise TypeError(f"set_value takes a number, text or None, not {value!r}")

    def set_formula(self, sheet_name: str, cell: str, formula: str) -> None:
        """Enter a formula such as "=SUM(A1:A3)" (English function names, A1 references)."""
        self._cell(sheet_name, cell).setFormula(formula)

    def value(self, sheet_name: str, cell: str) -> float | str | None:
        """What a cell shows: a number, text, or None when empty; a formula's result."""
        target = self._cell(sheet_name, cell)
        kind = target.getType().value
        if kind == "EMPTY":
            return None
        if kind == "VALUE":
            return float(target.getValue())
        if kind == "FORMULA" and target.FormulaResultType2 == FORMULA_RESULT_VALUE:
            return float(target.getValue())
        return str(target.getString())

    def add_comment(self, sheet_name: str, cell: str, text: str) -> None:
        """Add a comment to a cell, as Insert > Comment does."""
        sheet = self.sheet(sheet_name)
        address = sheet.getCellRangeByName(cell).getCellAddress()
        sheet.getAnnotations().insertNew(address, text)

    def sort(
        self,
        sheet_name: str,
        cell_range: str,
        by_column_letter: str,
        descending: bool = False,
        has_header: bool = True,
    ) -> None:
        """Sort the rows of a range by one column, as Data > Sort does."""
        target = self.sheet(sheet_name).getCellRangeByName(cell_range)
        address = target.getRangeAddress()
        field = _column_index(by_column_letter) - address.StartColumn
        if not 0 <= field <= address.EndColumn - address.StartColumn:
            raise ValueError(f"column {by_column_letter} is outside {cell_range}")
        sort_field = _uno.createUnoStruct("com.sun.star.table.TableSortField")
        sort_field.Field = field
        sort_field.IsAscending = not descending
        sort_field.IsCaseSensitive = False
        # Passed as a plain tuple the fields would arrive as a sequence of Any, which Calc
        # ignores; they must be typed as a sequence of TableSortField.
        fields = _uno.Any("[]com.sun.star.table.TableSortField", (sort_field,))
        descriptor = [
            prop
            for prop in target.createSortDescriptor()
            if prop.Name not in ("ContainsHeader", "SortFields")
        ]
        descriptor += [_property("ContainsHeader", has_header), _property("SortFields", fields)]
        _uno.invoke(
            target,
            "sort",
            (_uno.Any("[]com.sun.star.beans.PropertyValue", tuple(descriptor)),),
        )

    def merge(self, sheet_name: str, cell_range: str) -> None:
        """Merge a range, as Format > Merge Cells does (the first cell's content is kept)."""
        self.sheet(sheet_name).getCellRangeByName(cell_range).merge(True)

    def unmerge(self, sheet_name: str, cell_range: str) -> None:
        """Unmerge a merged range: each cell shows its own content again."""
        self.sheet(sheet_name).getCellRangeByName(cell_range).merge(False)

    def insert_rows(self, sheet_name: str, before_row: int, count: int = 1) -> None:
        """Insert `count` empty rows above row `before_row` (1-based)."""
        if before_row < 1 or count < 1:
            raise ValueError(f"cannot insert {count} rows before row {before_row}")
        self.sheet(sheet_name).getRows().insertByIndex(before_row - 1, count)

    def delete_rows(self, sheet_name: str, first_row: int, count: int = 1) -> None:
        """Delete `count` rows from row `first_row` (1-based) down."""
        if first_row < 1 or count < 1:
            raise ValueError(f"cannot delete {count} rows from row {first_row}")
        self.sheet(sheet_name).getRows().removeByIndex(first_row - 1, count)

    def save_as(self, path: str | os.PathLike[str]) -> Path:
        """Save as .xlsx or .xlsm (by the suffix), replacing any file there; the saved path."""
        target = Path(path).resolve()
        filter_name = SAVE_FILTERS.get(target.suffix.lower())
        if filter_name is None:
            raise ValueError(f"save_as writes {', '.join(SAVE_FILTERS)}, not {target.name}")
        try:
            self.component.storeAsURL(
                _file_url(target),
                (_property("FilterName", filter_name), _property("Overwrite", True)),
            )
        except Exception as error:  # com.sun.star.task.ErrorCodeIOException and kin
            raise RuntimeError(f"LibreOffice could not save {target}: {error}") from error
        self.path = target
        return target

    def close(self) -> None:
        """Close the document, discarding unsaved changes; closing twice does nothing."""
        if self.closed:
            return
        self.closed = True
        try:
            self.component.close(True)
        except Exception:
            # A document that cannot be closed (or has gone with its office) is disposed.
            with contextlib.suppress(Exception):
                self.component.dispose()


class Office:
    """A headless LibreOffice of its own, reached through UNO; a context manager.

    In pytest, share one per module, since each start takes seconds::

        @pytest.fixture(scope="module")
        def office() -> Iterator[Office]:
            with Office(soffice_or_skip()) as running:
                yield running
    """

    def __init__(
        self, soffice: str | None = None, connect_timeout: float = CONNECT_TIMEOUT
    ) -> None:
        self.soffice = soffice or find_soffice()
        self.connect_timeout = connect_timeout
        self.pipe = f"partnersheet-{os.getpid()}-{uuid.uuid4().hex[:16]}"
        #: Seconds the last `start` took until LibreOffice answered.
        self.start_seconds = 0.0
        self.desktop: Any = None
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None
        self._bridge: Any = None
        self._documents: list[Document] = []

    def __enter__(self) -> Office:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start LibreOffice and connect to it; RuntimeError saying why when that fails."""
        if self._process is not None:
            raise RuntimeError("this Office is already running")
        if not uno_available():
            raise RuntimeError(
                f"LibreOffice's Python bridge (uno) cannot be imported: {_uno_error}"
            )
        if self.soffice is None:
            raise RuntimeError("LibreOffice (soffice) is not on the PATH")
        self._folder = Path(tempfile.mkdtemp(prefix="partnersheet-office-"))
        profile = self._folder / "profile"
        log = self._folder / "soffice.log"
        command = [
            self.soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]
        began = time.monotonic()
        try:
            with log.open("wb") as output:
                # os.environ, not the process's environment: uno.py sets URE_BOOTSTRAP with
                # os.putenv, which LibreOffice itself should not inherit. Its own session lets
                # `stop` kill soffice's child soffice.bin with it.
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    env=dict(os.environ),
                    start_new_session=True,
                )
        except OSError as error:
            self._remove_folder()
            raise RuntimeError(f"cannot start LibreOffice ({self.soffice}): {error}") from error
        try:
            self._connect(log)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - began

    def _connect(self, log: Path) -> None:
        """Connect to the pipe, retrying until LibreOffice answers or the time is up."""
        assert self._process is not None
        local = _uno.getComponentContext()
        manager = local.getServiceManager()
        connector = manager.createInstanceWithContext("com.sun.star.connection.Connector", local)
        bridges = manager.createInstanceWithContext("com.sun.star.bridge.BridgeFactory", local)
        deadline = time.monotonic() + self.connect_timeout
        last_error = "no answer"
        while True:
            code = self._process.poll()
            if code is not None:
                output = log.read_text(encoding="utf-8", errors="replace").strip()
                raise RuntimeError(
                    f"LibreOffice exited with code {code} before accepting a connection"
                    + (f":\n{output}" if output else "")
                )
            try:
                connection = connector.connect(f"pipe,name={self.pipe}")
            except Exception as error:  # com.sun.star.connection.NoConnectException
                last_error = str(error) or type(error).__name__
            else:
                try:
                    self._bridge = bridges.createBridge("", "urp", connection, None)
                    context = self._bridge.getInstance("StarOffice.ComponentContext")
                    self.desktop = context.getServiceManager().createInstanceWithContext(
                        "com.sun.star.frame.Desktop", context
                    )
                except Exception as error:  # LibreOffice still starting up
                    last_error = str(error) or type(error).__name__
                    self._dispose_bridge()
                else:
                    if self.desktop is not None:
                        return
                    last_error = "no Desktop service"
                    self._dispose_bridge()
            if time.monotonic() >= deadline:
                raise RuntimeError(
                    f"LibreOffice did not accept a connection on pipe {self.pipe} within "
                    f"{self.connect_timeout:g} s: {last_error}"
                )
            time.sleep(0.2)

    def open(self, path: str | os.PathLike[str]) -> Document:
        """Open a workbook hidden, running no macros and updating no links."""
        if self.desktop is None:
            raise RuntimeError("this Office is not running")
        source = Path(path).resolve()
        if not source.is_file():
            raise RuntimeError(f"LibreOffice cannot open {source}: no such file")
        properties = (
            _property("Hidden", True),
            _property("MacroExecutionMode", NEVER_EXECUTE),
            _property("UpdateDocMode", NO_UPDATE),
        )
        try:
            component = self.desktop.loadComponentFromURL(
                _file_url(source), "_blank", 0, properties
            )
        except Exception as error:  # IllegalArgumentException, IOException
            raise RuntimeError(f"LibreOffice cannot open {source}: {error}") from error
        if component is None:
            raise RuntimeError(f"LibreOffice cannot open {source}")
        if not component.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            with contextlib.suppress(Exception):
                component.close(True)
            raise RuntimeError(f"LibreOffice did not open {source} as a spreadsheet")
        document = Document(component, source)
        self._documents.append(document)
        return document

    def stop(self) -> None:
        """Close what is open, quit LibreOffice (killing it if it lingers), remove its profile."""
        for document in self._documents:
            document.close()
        self._documents.clear()
        if self.desktop is not None:
            # LibreOffice quits and drops the connection, which may raise DisposedException.
            with contextlib.suppress(Exception):
                self.desktop.terminate()
            self.desktop = None
        self._dispose_bridge()
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(QUIT_TIMEOUT)
            # Whatever is left of the session it was started in (soffice.bin) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            if process.poll() is None:
                process.wait(QUIT_TIMEOUT)
        self._remove_folder()

    def _dispose_bridge(self) -> None:
        bridge, self._bridge = self._bridge, None
        if bridge is not None:
            with contextlib.suppress(Exception):
                bridge.dispose()

    def _remove_folder(self) -> None:
        folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
