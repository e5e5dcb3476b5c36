"""The one error type for bad input, InputError (the file, the place, the problem and the fix),
and how a command stops: one clear message per stop, never a raw traceback.

- An :class:`InputError` is printed alone (:func:`input_stop`), exit code :data:`INPUT_EXIT`:
  the person running the command fixes the input.
- Any other exception is a bug, not the input (:func:`unexpected_stop`): its type and one-line
  message are printed, the full traceback goes to a log file that the message names, exit code
  :data:`UNEXPECTED_EXIT`.

:func:`stops` (a context manager) and :func:`run_main` apply both to a command's ``main``.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

#: Exit code of a run stopped by its input (an InputError).
INPUT_EXIT = 1
#: Exit code of a run stopped by an unexpected exception (a bug).
UNEXPECTED_EXIT = 3


def visible(text: str) -> str:
    """``text`` with every character a reader cannot see or tell from another written as its
    code point: a non-breaking or other unusual space, a zero-width character, a control
    character (``Snap<U+00A0>chat``), so that a message shows the cause, not a look-alike."""
    import unicodedata

    shown = []
    for char in str(text):
        category = unicodedata.category(char)
        odd = char != " " and (category in ("Zs", "Zl", "Zp", "Cf", "Cc", "Co", "Cn"))
        shown.append(f"<U+{ord(char):04X}>" if odd else char)
    return "".join(shown)


class InputError(Exception):
    """A problem with an input file that a person must fix before the run can go on.

    ``file`` is the path as a reader would look for it (relative to the project root where
    possible), ``place`` where in it (sheet, row, column, page, key), ``problem`` what is
    wrong, and ``fix`` what to do about it.
    """

    def __init__(self, file: str, place: str, problem: str, fix: str):
        self.file = str(file)
        self.place = place
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.file}, {self.place}" if self.place else self.file
        return f"{where}: {self.problem}\n  How to fix: {self.fix}"

    def __str__(self) -> str:  # pragma: no cover - formatting only
        return self.message


def shown(path: Path | str) -> str:
    """``path`` as a person types it: relative to the working directory when it is inside it."""
    path = Path(path).absolute()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def write_log(log: Path | str, text: str) -> None:
    """Write ``text`` (a traceback and what led to it) to the log file ``log``."""
    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(text if text.endswith("\n") else f"{text}\n", encoding="utf-8")


def log_line(log: Path | str) -> str:
    return f"  Full traceback: {shown(log)}"


def input_stop(message: str, log: Path | str | None = None) -> int:
    """Print an InputError's ``message`` alone on stderr (and the line naming ``log``, when its
    traceback was written there); return :data:`INPUT_EXIT`."""
    print(message, file=sys.stderr)
    if log is not None:
        print(log_line(log), file=sys.stderr)
    return INPUT_EXIT


def unexpected_message(where: str, kind: str, message: str, log: Path | str) -> str:
    """The message of an unexpected exception of type ``kind`` in ``where``: says it is a bug,
    gives the exception's first line and names the log holding the traceback."""
    lines = str(message).strip().splitlines()
    first = f"{kind}: {lines[0]}" if lines else kind
    return (
        f"Unexpected error in {where}: a bug in the code, not a problem with the input.\n"
        f"  {first}\n{log_line(log)}"
    )


def unexpected_stop(where: str, kind: str, message: str, log: Path | str, details: str) -> int:
    """Write ``details`` (the traceback) to ``log``, print :func:`unexpected_message` on
    stderr and return :data:`UNEXPECTED_EXIT`."""
    write_log(log, details)
    print(unexpected_message(where, kind, message, log), file=sys.stderr)
    return UNEXPECTED_EXIT


@contextmanager
def stops(where: str, log: Path | str) -> Iterator[None]:
    """Stop the process with one clear message if the block raises: an InputError alone (exit
    1), any other exception as unexpected with its traceback written to ``log`` (exit 3).
    ``SystemExit`` and ``KeyboardInterrupt`` pass through."""
    try:
        yield
    except InputError as error:
        raise SystemExit(input_stop(str(error))) from None
    except Exception as error:
        details = traceback.format_exc()
        code = unexpected_stop(where, type(error).__name__, str(error), log, details)
        raise SystemExit(code) from None


def run_main(main: Callable[[], int | None], log: Path | str, where: str = "") -> NoReturn:
    """Run a command's ``main()`` under :func:`stops` and exit with its return code (0 for
    None). ``where`` names the command in the message (default: the script run)."""
    with stops(where or shown(sys.argv[0]), log):
        code = main()
    sys.stdout.flush()
    raise SystemExit(code or 0)


__all__ = [
    "INPUT_EXIT",
    "UNEXPECTED_EXIT",
    "InputError",
    "input_stop",
    "log_line",
    "run_main",
    "shown",
    "stops",
    "unexpected_message",
    "unexpected_stop",
    "write_log",
]
