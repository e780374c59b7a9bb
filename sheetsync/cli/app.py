"""The `sheetsync` command group, and how a command is declared: a function, its docstring, its options.

    @cli.command()
    @plan_argument
    @option("--json", dest="as_json", is_flag=True, help="Print JSON instead of text.")
    def show(plan: Path, as_json: bool) -> int | None:
        \"\"\"Show what sheetsync reads from a plan workbook.\"\"\"

The decorators read top to bottom as the help lists them. The docstring is the command's help (its first sentence
the line in the list of commands); the return value is the exit code (None is 0). Underneath is the standard
library's argparse (click cost about 21 ms of every cold start, argparse about 2 ms). Only the command being run
gets its arguments built, so a new command costs the others nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple, TypeVar

Handler = Callable[..., int | None]
H = TypeVar("H", bound=Handler)
ActionClass = type[argparse.Action]
MAX_WIDTH = 100  # help is wrapped to the terminal, at most this wide (click's max_content_width)


class Param(NamedTuple):  # not a dataclass: dataclasses imports inspect, a few ms of every start
    """One option or argument as declared; turned into an `add_argument` call when its command runs."""

    names: tuple[str, ...]
    dest: str | None = None
    type: Callable[[str], Any] | None = None
    default: Any = None
    required: bool = False
    metavar: str | None = None
    help: str | None = None
    is_flag: bool = False
    multiple: bool = False
    choices: Sequence[str] | Callable[[], Sequence[str]] | None = None
    show_default: bool = False
    hidden: bool = False
    nargs: Literal["?", "+"] | None = None
    action: ActionClass | None = None

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        kwargs: dict[str, Any] = {}
        positional = not self.names[0].startswith("-")
        choices = self.choices() if callable(self.choices) else self.choices
        metavar = self.metavar
        if choices is not None:
            kwargs["choices"] = choices
            metavar = metavar or f"[{'|'.join(choices)}]"
        if positional:
            kwargs["metavar"] = metavar or self.names[0].upper()
            if self.nargs:
                kwargs["nargs"] = self.nargs
        else:
            if self.dest:
                kwargs["dest"] = self.dest
            if self.required:
                kwargs["required"] = True
            if not (self.is_flag or self.action):
                kwargs["metavar"] = metavar or getattr(self.type, "metavar", "TEXT")
        if self.action is not None:
            kwargs["action"] = self.action
        elif self.is_flag:
            kwargs["action"] = "store_true"
        elif self.multiple:
            kwargs["action"] = "append"
            kwargs["default"] = []  # argparse copies it before appending; the command gets a tuple
        else:
            kwargs["default"] = self.default
        if self.type is not None:
            kwargs["type"] = self.type
        kwargs["help"] = argparse.SUPPRESS if self.hidden else self._help()
        parser.add_argument(*self.names, **kwargs)

    def _help(self) -> str | None:
        """The help text with click's notes after it: `[default: 28; x>=0]`, `[required]`."""
        notes = [f"default: {self.default}"] if self.show_default else []
        type_note = getattr(self.type, "note", None)  # e.g. "x>=0" for a count
        if type_note:
            notes.append(type_note)
        if self.required and self.names[0].startswith("-"):
            notes.append("required")
        help_text = (self.help or "").replace("%", "%%")  # argparse %-formats help
        if notes:
            help_text = f"{help_text}  [{'; '.join(notes)}]".lstrip()
        return help_text or None


def _declare(param: Param) -> Callable[[H], H]:
    def add(f: H) -> H:
        params: list[Param] = f.__dict__.setdefault("_sheetsync_params", [])
        params.insert(0, param)  # decorators apply bottom up; the help lists them top down
        return f

    return add


def option(*flags: str, dest: str | None = None, type: Callable[[str], Any] | None = None, default: Any = None,
           required: bool = False, metavar: str | None = None, help: str | None = None, is_flag: bool = False,
           multiple: bool = False, choices: Sequence[str] | Callable[[], Sequence[str]] | None = None,
           show_default: bool = False, hidden: bool = False, action: ActionClass | None = None
           ) -> Callable[[H], H]:
    """An option. `multiple` options arrive as a tuple; `choices` may be a function, called only when needed."""
    return _declare(Param(flags, dest=dest, type=type, default=default, required=required, metavar=metavar,
                          help=help, is_flag=is_flag, multiple=multiple, choices=choices,
                          show_default=show_default, hidden=hidden, action=action))


def argument(name: str, *, type: Callable[[str], Any] | None = None, metavar: str | None = None,
             nargs: Literal["?", "+"] | None = None, help: str | None = None) -> Callable[[H], H]:
    """A positional argument: `nargs="?"` optional, `"+"` one or more (a tuple)."""
    return _declare(Param((name,), type=type, metavar=metavar, nargs=nargs, help=help))


class Command(NamedTuple):
    name: str
    handler: Handler
    params: tuple[Param, ...]

    @property
    def doc(self) -> str:
        return (self.handler.__doc__ or "").strip()  # the help wraps each paragraph anew


class Group:
    """A set of commands (`sheetsync` itself, `sheetsync excel`, `sheetsync store`)."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.doc = doc.strip()
        self.commands: dict[str, Command | Group] = {}

    def command(self, name: str | None = None) -> Callable[[H], H]:
        def register(f: H) -> H:
            command = Command(name or f.__name__, f, tuple(f.__dict__.pop("_sheetsync_params", ())))
            self.commands[command.name] = command
            return f

        return register

    def group(self, name: str | None = None) -> Callable[[Callable[[], None]], Group]:
        """A group of sub-commands; the decorated function only gives its name and docstring."""

        def register(f: Callable[[], None]) -> Group:
            group = self.commands[name or f.__name__] = Group(name or f.__name__, f.__doc__ or "")
            return group

        return register


cli = Group("sheetsync", """sheetsync: keep a force's Police Stalking Action Plan honest, current and reportable.

    Excel stays the front end; sheetsync validates the grid, keeps dated snapshots, and writes the NPCC
    progress update. Run 'sheetsync COMMAND -h' for any command.
    """)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help at most 100 columns wide, with each paragraph of a docstring wrapped on its own."""

    def __init__(self, prog: str) -> None:
        import shutil

        super().__init__(prog, width=max(min(shutil.get_terminal_size().columns, MAX_WIDTH) - 2, 50),
                         max_help_position=30)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return "\n\n".join(textwrap.fill(" ".join(paragraph.split()), width, initial_indent=indent,
                                         subsequent_indent=indent) for paragraph in text.split("\n\n"))


class UsageError(Exception):
    """Options that cannot go together: argparse's usage and this message on stderr, exit code 2."""


class _Version(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0,
                         help="Show the version and exit.")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from importlib.metadata import version

        sys.stdout.write(f"sheetsync, version {version('sheetsync')}\n")
        parser.exit()


def _short_help(doc: str) -> str:
    """The first sentence of the first paragraph, as click listed a command."""
    words = doc.partition("\n\n")[0].split()
    for i, word in enumerate(words):
        if word.endswith(".") and (i == len(words) - 1 or not words[i + 1][0].islower()):
            return " ".join(words[: i + 1])
    return " ".join(words)


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for `sheetsync`, with arguments only for the command `argv` names (the others are listed)."""
    parser = argparse.ArgumentParser(prog="sheetsync", **_PARSER_SETTINGS)
    parser.add_argument("--version", action=_Version)
    _fill(parser, cli, argv)
    return parser


# click took no abbreviations of long options; argparse's own -h says "show this help message and exit"
_PARSER_SETTINGS: dict[str, Any] = {"formatter_class": HelpFormatter, "add_help": False, "allow_abbrev": False}


def _fill(parser: argparse.ArgumentParser, entry: Command | Group, argv: Sequence[str]) -> None:
    parser.description = entry.doc
    parser.add_argument("-h", "--help", action="help", help="Show this message and exit.")
    if isinstance(entry, Command):
        for param in entry.params:
            param.add_to(parser)
        parser.set_defaults(_handler=entry.handler, _parser=parser)
        return
    parser.set_defaults(_group_parser=parser)
    # The command named is the first word that is not an option (a group's own options take no value). Only its
    # parser is made when nothing before it asks for the group's help: a parser for each of the 17 commands would
    # add about 2.5 ms to every start (argparse's own import is about 2 ms).
    at = next((i for i, word in enumerate(argv) if not word.startswith("-")), len(argv))
    chosen = argv[at] if at < len(argv) else ""
    listing = chosen not in entry.commands or any(word in ("-h", "--help") for word in argv[:at])
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", prog=parser.prog)
    for name in sorted(entry.commands) if listing else [chosen]:
        sub = subparsers.add_parser(name, help=_short_help(entry.commands[name].doc), **_PARSER_SETTINGS)
        if name == chosen:
            _fill(sub, entry.commands[name], argv[at + 1:])


def run(argv: Sequence[str]) -> int:
    """Parse `argv`, run the command, return its exit code; usage errors are exit code 2."""
    from sheetsync.cli.options import InputError, echo, echo_safe
    from sheetsync.errors import SheetsyncError

    parser = build_parser(argv)
    try:
        namespace, unknown = parser.parse_known_args(argv)
        kwargs = vars(namespace)
        handler = kwargs.pop("_handler", None)
        command_parser = kwargs.pop("_parser", None) or kwargs["_group_parser"]
        if unknown:  # said by the command's own parser, with its usage (parse_args would give sheetsync's)
            command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        if handler is None:  # a group without its command: its help, as click gave it
            command_parser.print_help(sys.stderr)
            return 2
        arguments = {key: tuple(value) if isinstance(value, list) else value
                     for key, value in kwargs.items() if not key.startswith("_")}
        try:
            return handler(**arguments) or 0
        except UsageError as exc:
            command_parser.error(str(exc))
    except (InputError, SheetsyncError) as exc:
        echo_safe(f"error: {exc}", err=True)
        return 2
    except KeyboardInterrupt:
        echo("interrupted", err=True)
        return 130
    except BrokenPipeError:  # e.g. `sheetsync show plan.xlsx | head`: stop quietly, as click did
        _silence_stdout()
        return 1
    except SystemExit as exc:  # argparse's help, --version and usage errors
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        echo(str(exc.code), err=True)
        return 1
    return 2  # not reached: parser.error exits


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's final flush does not complain of the closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's buffer)
        pass
