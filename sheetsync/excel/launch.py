"""The Python the Excel buttons start: `sheetsync-excel-python -B -c CODE`, exactly as xlwings' RunPython calls
an interpreter, but without xlwings' optional imports.

xlwings (0.37.8, pinned) imports pandas, numpy, matplotlib, Pillow, plotly and polars whenever they are installed,
in `import xlwings.utils`, before any code of ours runs: about 1.5 s of every button press on a 2-core machine,
for converters the buttons never use (they read and write plain values). `sheetsync excel setup` points xlwings'
INTERPRETER_WIN / INTERPRETER_MAC at this launcher. It imports xlwings with those packages marked absent (so
xlwings' own `try: import pandas` takes its "not installed" path), then clears the marks, so that sheetsync can
still import them when it needs to (the report's chart imports matplotlib on Export), and runs CODE.
"""

from __future__ import annotations

import sys

# What xlwings tries to import at start-up when present; none is needed to read or write cell values.
OPTIONAL = ("pandas", "numpy", "matplotlib", "PIL", "plotly", "polars")


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


def main(argv: list[str] | None = None) -> None:
    """`sheetsync-excel-python [-B] [-u] -c CODE [ARG ...]`: run CODE as `python -c` would."""
    args = list(sys.argv[1:] if argv is None else argv)
    while args and args[0].startswith("-") and args[0] != "-c":
        if args.pop(0) == "-B":
            sys.dont_write_bytecode = True
    if len(args) < 2 or args[0] != "-c":
        sys.exit("usage: sheetsync-excel-python [-B] -c CODE  (the interpreter xlwings' RunPython starts for the "
                 "sheetsync buttons)")
    code = args[1]
    sys.argv = ["-c", *args[2:]]
    import_xlwings_lean()
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})


if __name__ == "__main__":
    main()
