"""`sheetsync excel setup`: point xlwings at the Python that runs the buttons.

It writes INTERPRETER_WIN (Windows) or INTERPRETER_MAC (macOS) into the user's xlwings config, in the file and the
form xlwings reads it: `xlwings.USER_CONFIG_FILE` (macOS: inside Excel's sandbox container), the locale's encoding
(what xlwings' Python opens it with; on Windows that is the ANSI code page, which the VBA's `Input #` also reads)
and CRLF line ends on Windows (what VBA's `Write #` writes). Every other line is kept as it was.

The setting is the user's, so it applies to every xlwings workbook; that is why the value is the launcher
(`sheetsync.excel.launch`), which runs any code that is not sheetsync's exactly as python does, and why setup
will not replace an interpreter that some other Python was set up for unless told to (`replace=True`).
"""

from __future__ import annotations

import locale
import re
import sys
from pathlib import Path

from sheetsync.errors import ConfigError
from sheetsync.files import write_bytes_atomic

LAUNCHER = "sheetsync-excel-python"  # the console script of sheetsync.excel.launch (pyproject.toml)
_KEY = re.compile(r'\s*"([^"]*)"')


def user_config_file(platform: str | None = None, home: Path | None = None) -> Path:
    """Where xlwings reads the user's settings (`xlwings.USER_CONFIG_FILE`, also the VBA's GetConfigFilePath)."""
    platform = platform or sys.platform
    home = home or Path.home()
    if platform.startswith("darwin"):
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return home / ".xlwings" / "xlwings.conf"


def config_encoding() -> str:
    """The encoding xlwings' Python opens xlwings.conf with (`open(path, "r")`: the locale's)."""
    return locale.getpreferredencoding(False)


def button_interpreter(platform: str | None = None, *, plain_python: bool = False) -> str:
    """What the buttons should run: the `sheetsync-excel-python` launcher installed beside this Python (it skips
    xlwings' optional imports of pandas and matplotlib), else, or with `plain_python`, this Python itself."""
    platform = platform or sys.platform
    if plain_python:
        return sys.executable
    folder = Path(sys.executable).parent
    launcher = folder / (f"{LAUNCHER}.exe" if platform.startswith("win") else LAUNCHER)
    return str(launcher) if launcher.is_file() else sys.executable


def setup_excel(*, interpreter: str | None = None, platform: str | None = None, plain_python: bool = False,
                replace: bool = False, encoding: str | None = None, home: Path | None = None) -> str:
    """Write the buttons' interpreter into the user's xlwings config, keeping every other setting there, and
    return what the user still has to do. Refuses to replace another Python's interpreter unless `replace`."""
    platform = platform or sys.platform
    windows = not platform.startswith("darwin")
    key = "INTERPRETER_WIN" if windows else "INTERPRETER_MAC"
    python = interpreter or button_interpreter(platform, plain_python=plain_python)
    path = user_config_file(platform, home)
    encoding = encoding or config_encoding()
    lines = read_config_lines(path, encoding)
    entry = f'"{key}","{python}"'
    previous = next((_value(line) for line in lines if _config_key(line) == key), None)
    if previous is not None and previous != python and not replace and not _is_ours(previous):
        raise ConfigError(f"{key} in the xlwings config already names {previous}, the Python your other xlwings "
                          f"workbooks run; sheetsync left it unchanged", path=path,
                          hint="Run 'sheetsync excel setup --replace' to point every xlwings workbook at "
                               "sheetsync's Python (code that is not sheetsync's still runs exactly as python "
                               "does, but with this environment's packages)")
    kept = [line for line in lines if _config_key(line) != key]
    newline = "\r\n" if windows else "\n"
    text = newline.join([*kept, entry]) + newline
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise ConfigError(f"the path {python!r} has a character ({exc.object[exc.start:exc.end]!r}) that the "
                          f"xlwings config's encoding ({encoding}) cannot hold, so Excel could not read it",
                          path=path, hint="Install sheetsync in a folder whose path has only plain letters, "
                                          r"e.g. C:\sheetsync\venv") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, data, overwrite=True)
    changed = "unchanged" if previous == python else ("updated" if previous else "added")
    mode = ("this Python itself (--plain-python: xlwings then imports pandas and matplotlib on every press)"
            if python == sys.executable and plain_python else "")
    shared = ("This setting is read by every xlwings workbook for this user; code that is not sheetsync's runs "
              "through it exactly as python would, with this environment's packages." if previous is None else "")
    steps = [
        f"{key} = {python} ({changed} in {path}; other settings there kept).",
        *([f"The buttons run {mode}."] if mode else []),
        *([shared] if shared else []),
        "",
        "Still to do:",
        "  Windows: open ActionPlan.xlsm from a trusted location (File > Options > Trust Center > Trusted "
        "Locations), or have IT sign its VBA project; Office blocks macros in files that came from the internet "
        "or email (right-click > Properties > Unblock only if your IT policy allows it). Then press 'Validate "
        "and snapshot'. Where IT blocks Office from starting programs or allows only signed ones, see the "
        "README (Windows, locked-down PCs; 'sheetsync excel setup --plain-python').",
        "  macOS: run 'xlwings runpython install' once in this environment (it installs the AppleScript Excel "
        "needs), then open the workbook and allow macros.",
        "  Both: the workbook must be saved as .xlsm in a folder you can write to; snapshots go to "
        "'.sheetsync/snapshots.db' beside it unless its Settings sheet says otherwise.",
    ]
    return "\n".join(steps)


def read_config_lines(path: Path, encoding: str) -> list[str]:
    """The config file's lines as xlwings reads them; a file in another encoding is one clear error."""
    if not path.is_file():
        return []
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the xlwings config is not in this computer's text encoding ({encoding}): byte "
                          f"0x{data[exc.start]:02X} at position {exc.start} cannot be read, and xlwings could not "
                          f"read it either", path=path,
                          hint="Open it in a text editor, save it in the system's default encoding (Notepad: "
                               "ANSI), and run setup again") from None
    return text.splitlines()


def _is_ours(value: str) -> bool:
    """An interpreter an earlier setup wrote: a sheetsync launcher anywhere, or this Python."""
    name = re.split(r"[\\/]", value)[-1].casefold().removesuffix(".exe")
    return name == LAUNCHER or value == sys.executable


def _config_key(line: str) -> str | None:
    match = _KEY.match(line)
    return match.group(1).upper() if match else None


def _value(line: str) -> str:
    values = re.findall(r'"([^"]*)"', line)
    return values[1] if len(values) > 1 else ""


__all__ = ["button_interpreter", "config_encoding", "read_config_lines", "setup_excel", "user_config_file"]
