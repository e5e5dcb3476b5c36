"""The one error type for bad input: it names the file, the place, the problem and the fix."""

from __future__ import annotations


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
