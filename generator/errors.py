"""The one base class of the package's own errors, so the CLI turns each into a message.

Bad records are never exceptions: they are findings (see `findings`). These are the
conditions that stop a command: a folder that is not a site, a git revision that does not
exist, a workbook that is not ours. Each names what went wrong in words a clerk can act on
and carries the exit code the CLI returns (2 for usage, 1 when the records themselves are
at fault).
"""

from __future__ import annotations


class CadreError(Exception):
    """A command cannot go on; the message is shown to the user as it is."""

    exit_code = 2

    def lines(self) -> list[str]:
        return [str(self)]
