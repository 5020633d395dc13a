"""The two exception families; the third family, findings, is data, not an exception."""

from __future__ import annotations


class ContractsError(Exception):
    """Base of every error the toolkit raises on purpose (never a traceback for users)."""


class SpecError(ContractsError):
    """A spec that cannot be read, parsed, resolved or validated.

    ``str()`` is one line naming the file and line, so the CLI prints it as is.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 pointer: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.pointer = pointer
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.file or "<spec>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        at = f" (at {self.pointer})" if self.pointer else ""
        return f"{where}: {self.message}{at}"


class UsageError(ContractsError):
    """A caller mistake: a bad option, a missing file, an unreachable base URL."""
