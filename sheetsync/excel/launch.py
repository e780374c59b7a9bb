"""The Python the Excel buttons start: `sheetsync-excel-python`, which xlwings' RunPython calls exactly as it
calls python (Windows: `-B -c CODE --wb=… --from_xl=1 --app=… --hwnd=…`; macOS: `-B -u -W ignore -c CODE --wb=…
--from_xl=1 --app=…`).

xlwings (0.37.8, pinned) imports pandas, numpy, matplotlib, Pillow, plotly and polars whenever they are installed,
in `import xlwings.utils`, before any code of ours runs: about 1.5 s of every button press on a 2-core machine,
for converters the buttons never use (they read and write plain values). When CODE is a sheetsync button's
(it imports `sheetsync.excel.`), the launcher applies the options it can (`-B`, `-u`, `-W`), imports xlwings with
those packages marked absent (so xlwings' own `try: import pandas` takes its "not installed" path), clears the
marks so that sheetsync can still import them (the report's chart imports matplotlib on Export), and runs CODE.

Anything else (another workbook's RunPython, the xlwings add-in's UDF server, a script, `-m`, options it cannot
apply after start-up such as `-X` or `-O`) runs exactly as python would: the same arguments handed to this
Python (exec on POSIX; a child process whose exit code is passed on, on Windows). Setup writes the launcher into
the user's xlwings config, which every xlwings workbook reads, so nothing but sheetsync's buttons may change.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

# What xlwings tries to import at start-up when present (each inside `try: ... except ImportError`); none is
# needed to read or write cell values. xlwings.pro (with cryptography) holds PRO engines and Markdown, which a
# button never uses: about 0.05 s of the start-up here.
OPTIONAL = ("pandas", "numpy", "matplotlib", "PIL", "plotly", "polars", "cryptography", "xlwings.pro")
SHEETSYNC_CODE = "import sheetsync.excel."  # every button's RunPython string (sheetsync/excel/vba/SheetSync.bas)
APPLICABLE_FLAGS = frozenset("Bu")  # flags honoured after start-up (with -W); any other option: run python itself
_VALUE_OPTIONS = frozenset("cmWX")  # CPython options that take a value, attached (-Wignore) or as the next argument
_LONG_VALUE_OPTIONS = frozenset({"--check-hash-based-pycs"})
_CATEGORIES = {"Warning": Warning, "UserWarning": UserWarning, "DeprecationWarning": DeprecationWarning,
               "PendingDeprecationWarning": PendingDeprecationWarning, "SyntaxWarning": SyntaxWarning,
               "RuntimeWarning": RuntimeWarning, "FutureWarning": FutureWarning, "ImportWarning": ImportWarning,
               "UnicodeWarning": UnicodeWarning, "BytesWarning": BytesWarning, "ResourceWarning": ResourceWarning,
               "EncodingWarning": EncodingWarning}


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A `python [options] -c CODE [arg ...]` command line, parsed as CPython parses it."""

    flags: tuple[str, ...]  # one-letter options without a value, in order (-B, -u, …)
    warning_options: tuple[str, ...]  # the values of -W
    other_options: tuple[str, ...]  # -X values and long options: honoured only by python itself
    code: str
    args: tuple[str, ...]  # what follows CODE; sys.argv[1:]

    @property
    def runs_sheetsync(self) -> bool:
        return SHEETSYNC_CODE in self.code

    @property
    def applicable(self) -> bool:
        """Every option can be applied after start-up (-B, -u, -W)."""
        return not self.other_options and set(self.flags) <= APPLICABLE_FLAGS


def parse_command_line(argv: Sequence[str]) -> CommandLine | None:
    """`argv` (without the program) as CPython reads it; None unless it runs `-c CODE` (a script, `-m`, `-`,
    `--help`, or a missing value: python itself deals with those)."""
    flags: list[str] = []
    warning_options: list[str] = []
    other: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "-" or not arg.startswith("-") or arg == "--":
            return None
        if arg.startswith("--"):
            if arg not in _LONG_VALUE_OPTIONS or i + 1 >= len(argv):
                return None  # --help, --version, an unknown option: python answers them
            other += [arg, argv[i + 1]]
            i += 2
            continue
        i += 1
        for j, letter in enumerate(arg[1:], start=1):
            if letter not in _VALUE_OPTIONS:
                flags.append(letter)
                continue
            attached = arg[j + 1:]
            if attached:
                value = attached
            elif i < len(argv):
                value = argv[i]
                i += 1
            else:
                return None
            if letter == "c":
                return CommandLine(tuple(flags), tuple(warning_options), tuple(other), value, tuple(argv[i:]))
            if letter == "m":
                return None
            (warning_options if letter == "W" else other).append(value if letter == "W" else f"-X{value}")
            break
    return None


def apply_options(line: CommandLine) -> None:
    """What -B, -u and -W do, done after start-up."""
    if "B" in line.flags:
        sys.dont_write_bytecode = True
    if "u" in line.flags:
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(write_through=True)
    for option in line.warning_options:
        sys.warnoptions.append(option)
        _add_warning_filter(option)


def _add_warning_filter(option: str) -> None:
    """-W action:message:category:module:lineno, as CPython reads it (an unknown part is ignored with a
    warning there too; here it is simply skipped)."""
    parts = [part.strip() for part in option.split(":")] + [""] * 5
    action, message, category, module, lineno = parts[:5]
    actions = {"d": "default", "i": "ignore", "a": "always", "m": "module", "o": "once", "e": "error"}
    full = next((a for a in actions.values() if a.startswith(action.lower())), None) if action else "default"
    if full is None:
        return
    warning = _CATEGORIES.get(category, Warning) if category else Warning
    try:
        line_number = int(lineno) if lineno else 0
    except ValueError:
        return
    warnings.filterwarnings(full, message=message, category=warning,  # type: ignore[arg-type]
                            module=f"{module}\\Z" if module else "", lineno=line_number)


def import_xlwings_lean() -> None:
    """Import xlwings without its optional packages; afterwards they import normally again."""
    marked = [name for name in OPTIONAL if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]  # None here makes `import name` fail
    try:
        import xlwings
        import xlwings.utils  # noqa: F401
    finally:
        for name in marked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def run_as_python(args: Sequence[str]) -> None:
    """Hand the command line to this Python unchanged; never returns."""
    command = [sys.executable, *args]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(sys.executable, command)
    sys.exit(subprocess.call(command))


def main(argv: Sequence[str] | None = None) -> None:
    """`sheetsync-excel-python [options] -c CODE [ARG ...]`: run CODE as `python` would."""
    args = list(sys.argv[1:] if argv is None else argv)
    line = parse_command_line(args)
    if line is None or not line.runs_sheetsync or not line.applicable:
        run_as_python(args)
        return
    apply_options(line)
    sys.argv = ["-c", *line.args]
    import_xlwings_lean()
    try:
        exec(compile(line.code, "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    except Exception as exc:
        if type(exc).__name__ != "XlwingsError":
            raise
        # xlwings' own start-up (prepare_sys_path, Book.caller) failed before sheetsync could say anything:
        # RunPython shows what reaches stderr, so one line of what to do.
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"sheetsync: xlwings could not find this workbook's file ({detail}). Open the workbook from a "
              f"folder on this computer (for OneDrive or SharePoint, the synced local copy), or set "
              f"ONEDRIVE_COMMERCIAL_WIN / SHAREPOINT_WIN on the workbook's xlwings.conf sheet (see the README).",
              file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
