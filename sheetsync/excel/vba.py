"""The workbook's VBA project: our modules (shipped inside the package, read with importlib.resources), xlwings'
standalone module and its Dictionary class (taken from the installed, pinned xlwings at build time), and the
project written in the form MS-OVBA asks of a writer.

MS-OVBA 2.3.4.1: the `_VBA_PROJECT` stream's Version MUST be 0xFFFF on write and its performance cache MUST NOT be
present; when the version matched the running Office, Excel would run the cached compiled code instead of the
source. pyOpenVBA starts a new project from a template Excel saved, so its `_VBA_PROJECT` (2,544 bytes) and its
document modules (ThisWorkbook, Sheet1) carry that template's compiled code. `source_only` rewrites the project:
`_VBA_PROJECT` is the 7-byte form `CC61 FFFF 00 0100` (as in xlwings' own quickstart_standalone.xlsm), every module
stream is its compressed source alone (MODULEOFFSET 0), and the project and module cookies are 0xFFFF.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from importlib.metadata import version as installed_version
from importlib.resources import files
from pathlib import Path

from sheetsync.errors import ConfigError, SheetsyncError

VBA_PACKAGE_DIR = "vba"  # sheetsync/excel/vba/*.bas, the modules the buttons call (macros/ holds the same text)
XLWINGS_MODULE = "xlwings.bas"  # inside the xlwings package: the module `xlwings quickstart --standalone` embeds
XLWINGS_DICTIONARY = "addin/Dictionary.cls"  # the class the standalone module needs on macOS
VBA_PROJECT_STREAM = bytes.fromhex("cc61ffff000100")  # Reserved1 0x61CC, Version 0xFFFF, Reserved2 0, Reserved3 1
_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.MULTILINE)
_XLWINGS_STAMP = re.compile(r"^'Version: (\S+)", re.MULTILINE)


def our_modules() -> dict[str, str]:
    """Module name -> source (CRLF line ends) of the modules shipped in sheetsync/excel/vba/."""
    folder = files("sheetsync.excel") / VBA_PACKAGE_DIR
    found = sorted((item for item in folder.iterdir() if item.name.endswith(".bas")), key=lambda item: item.name)
    if not found:
        raise ConfigError(f"no VBA modules (*.bas) in {folder}",
                          hint="Reinstall sheetsync: its package data (sheetsync/excel/vba) is missing")
    modules: dict[str, str] = {}
    for item in found:
        source = _crlf(item.read_text(encoding="utf-8"))
        match = _VB_NAME.search(source)
        modules[match.group(1) if match else item.name.removesuffix(".bas")] = source
    return modules


def vba_modules() -> dict[str, str]:
    """Module name -> source for the project: ours, then xlwings' standalone module and its Dictionary class."""
    modules = our_modules()
    xlwings_dir = xlwings_folder()
    standalone = _crlf((xlwings_dir / XLWINGS_MODULE).read_text(encoding="utf-8"))
    stamp = _XLWINGS_STAMP.search(standalone)
    pinned = installed_version("xlwings")
    if stamp is None or stamp.group(1) != pinned:
        raise ConfigError(f"the xlwings VBA module in {xlwings_dir} is stamped "
                          f"{stamp.group(1) if stamp else 'with no version'}, but xlwings {pinned} is installed",
                          hint="Reinstall xlwings (pip install --force-reinstall xlwings==" + pinned + ")")
    modules["xlwings"] = standalone
    modules["Dictionary"] = _crlf((xlwings_dir / XLWINGS_DICTIONARY).read_text(encoding="utf-8"))
    return modules


def xlwings_folder() -> Path:
    """The installed xlwings package's folder (found, not imported: importing xlwings is slow)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise ConfigError("xlwings is not installed in this Python", hint="pip install sheetsync (it pins xlwings)")
    folder = Path(spec.origin).parent
    for name in (XLWINGS_MODULE, XLWINGS_DICTIONARY):
        if not (folder / name).is_file():
            raise ConfigError(f"the installed xlwings has no {name}", path=folder,
                              hint="Reinstall the pinned xlwings")
    return folder


def add_project(staged: Path, modules: dict[str, str]) -> bytes:
    """The macro-enabled package at `staged` (an .xlsm, a scratch copy pyOpenVBA rewrites) with a VBA project
    holding `modules`, source only, as bytes."""
    from pyopenvba import ExcelFile, VBAModuleKind

    try:
        with ExcelFile(staged) as book:
            project = book.add_vba_project()  # document modules for the workbook and each sheet, as Excel
            for name, source in modules.items():
                if name == "Dictionary":
                    project.add_module(name, source, kind=VBAModuleKind.other)
                else:
                    project.add_module(name, source)
            book.save()
        with zipfile.ZipFile(staged) as package:
            parts = [(info, package.read(info.filename)) for info in package.infolist()]
    except SheetsyncError:
        raise
    except Exception as exc:  # pyOpenVBA's own errors: say which step failed
        raise SheetsyncError(f"could not add the VBA project ({type(exc).__name__}: {exc})",
                             hint="Report this with the versions of pyOpenVBA and xlwings") from exc
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, source_only(data) if info.filename == "xl/vbaProject.bin" else data)
    return out.getvalue()


def source_only(vba_bin: bytes) -> bytes:
    """The same VBA project with no compiled code anywhere: 7-byte `_VBA_PROJECT`, each module stream its
    compressed source at offset 0, project and module cookies 0xFFFF, no `__SRP_` cache streams."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, parse_vba_project, serialize_dir_stream, write_back_modules

    cfb = CFB.from_bytes(vba_bin)
    project = parse_vba_project(cfb)
    for module in project.modules:
        module.source = module.source  # materialise it, so the stream is rebuilt from the text alone
        module.dirty = True
        module.cookie = 0xFFFF
    project.project_cookie = 0xFFFF
    write_back_modules(cfb, project)  # each stream becomes compress(source); text offsets become 0
    cfb.write_stream_in_storage("VBA", "dir", compress(serialize_dir_stream(project)))
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", VBA_PROJECT_STREAM)
    cfb.drop_streams_in_storage("VBA", lambda name: name.casefold().startswith("__srp_"))
    return bytes(cfb.to_bytes())


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


__all__ = ["VBA_PROJECT_STREAM", "add_project", "our_modules", "source_only", "vba_modules", "xlwings_folder"]
