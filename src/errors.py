"""The one error type for bad input, InputError (the file, the place, the problem and the fix),
and how a command stops: one clear message per stop, never a raw traceback.

- An :class:`InputError` is printed alone (:func:`input_stop`), exit code :data:`INPUT_EXIT`:
  the person running the command fixes the input.
- An exception the machine caused (a full disk, a read-only folder, memory, a killed kernel:
  :func:`machine_problem`) is named as that, with its fix, exit code :data:`INPUT_EXIT`.
- Any other exception is a bug, not the input (:func:`unexpected_stop`): its type and one-line
  message are printed, the full traceback goes to a log file that the message names, exit code
  :data:`UNEXPECTED_EXIT`.

:func:`stops` (a context manager) and :func:`run_main` apply both to a command's ``main``.
"""

from __future__ import annotations

import errno
import re
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
    character (``Snap<U+00A0>chat``), a letter of another script among Latin ones
    (``<U+0406>nstagram``), so that a message shows the cause, not a look-alike."""
    import unicodedata

    text = str(text)
    # A letter of another script among Latin ones (a Cyrillic І in Іnstagram) looks the same.
    latin = any(c.isascii() and c.isalpha() for c in text)
    shown = []
    for char in text:
        category = unicodedata.category(char)
        odd = char != " " and (category in ("Zs", "Zl", "Zp", "Cf", "Cc", "Co", "Cn"))
        odd |= latin and char.isalpha() and not unicodedata.name(char, "").startswith("LATIN")
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


def write_log(log: Path | str, text: str) -> Path | None:
    """Write ``text`` (a traceback and what led to it) to the log file ``log``; ``log``, or
    None when it cannot be written (a full disk, a read-only folder): a stop is still one
    message, never a second traceback."""
    log = Path(log)
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(text if text.endswith("\n") else f"{text}\n", encoding="utf-8")
    except OSError:
        return None
    return log


def log_line(log: Path | str | None) -> str:
    return f"  Full traceback: {shown(log)}" if log else "  (the traceback could not be written)"


#: What the machine, not the input or the code, does to a run: the problem and its fix, by
#: the exception's type or by the errno of an OSError (in its message, as a notebook's kernel
#: reports it).
FREE_SPACE = "free space on the disk that holds the checkout, then run the command again"
NO_MEMORY = ("the machine ran out of memory", "close other programs, then run it again")
KILLED = (
    "the notebook's process ended before the notebook did: most often the system stopped it "
    "for want of memory",
    "close other programs or give the machine more memory, then run it again; if it happens "
    "again with memory to spare, report it with the log",
)
MACHINE_TYPES = {"MemoryError": NO_MEMORY, "KernelDiedError": KILLED, "DeadKernelError": KILLED}
MACHINE_ERRNOS = {
    errno.ENOSPC: ("the disk is full", FREE_SPACE),
    errno.EDQUOT: ("the disk quota is used up", FREE_SPACE),
    errno.EROFS: (
        "the folder is on a read-only file system",
        "run it in a writable copy of the checkout (git clone it into a folder you can write)",
    ),
    errno.ENOMEM: NO_MEMORY,
}


def machine_problem(kind: str, message: str) -> tuple[str, str] | None:
    """The problem and fix when an exception of type ``kind`` with ``message`` is the machine's
    (a full disk, a read-only folder, memory, a killed kernel); None when it is not."""
    code = re.match(r"\[Errno (\d+)\]", str(message))
    return MACHINE_TYPES.get(kind) or (code and MACHINE_ERRNOS.get(int(code.group(1))))


def input_stop(message: str, log: Path | str | None = None) -> int:
    """Print an InputError's ``message`` alone on stderr (and the line naming ``log``, when its
    traceback was written there); return :data:`INPUT_EXIT`."""
    print(message, file=sys.stderr)
    if log is not None:
        print(log_line(log), file=sys.stderr)
    return INPUT_EXIT


def unexpected_message(where: str, kind: str, message: str, log: Path | str | None) -> str:
    """The message of an unexpected exception of type ``kind`` in ``where``: says it is a bug,
    gives the exception's first line and names the log holding the traceback."""
    lines = str(message).strip().splitlines()
    first = f"{kind}: {lines[0]}" if lines else kind
    return (
        f"Unexpected error in {where}: a bug in the code, not a problem with the input.\n"
        f"  {first}\n{log_line(log)}"
    )


def unexpected_stop(where: str, kind: str, message: str, log: Path | str, details: str) -> int:
    """Write ``details`` (the traceback) to ``log`` and say what stopped the run: the machine
    (:func:`machine_problem`, :data:`INPUT_EXIT`) or a bug (:func:`unexpected_message`,
    :data:`UNEXPECTED_EXIT`)."""
    log = write_log(log, details)
    machine = machine_problem(kind, message)
    if machine:
        first = (str(message).strip().splitlines() or [kind])[0]
        print(
            f"{where}: stopped by the machine, not by the input or the code: {machine[0]} "
            f"({kind}: {first})\n  How to fix: {machine[1]}\n{log_line(log)}",
            file=sys.stderr,
        )
        return INPUT_EXIT
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
    "machine_problem",
    "run_main",
    "shown",
    "stops",
    "unexpected_message",
    "unexpected_stop",
    "write_log",
]
