"""Every error class of Precision Hotspots, in one tree under :class:`PrecisionError`.

Every error carries a message meant for a person: it names the file (or field) and the
problem. Catch :class:`PrecisionError` to catch anything the product raises on purpose.
"""

from __future__ import annotations

from pathlib import Path


class PrecisionError(Exception):
    """Base class of every error raised on purpose by Precision Hotspots."""


class InputFileError(PrecisionError):
    """A whole input file cannot be used: a data.police.uk street CSV or archive, a users,
    OCG, delivery, outcome, national or reference file. Nothing from it is stored.

    Parameters
    ----------
    path : str or Path
        The file (or ``archive.zip!member.csv``) that was rejected.
    problem : str
        What is wrong with it, in plain words.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class BackupError(InputFileError):
    """A backup cannot be restored (or made): ``path`` names the archive, or the member of it
    (``backup.zip!store/manifest.json``), that is missing, damaged or does not match its
    SHA-256. Nothing is changed."""


class RemoteError(PrecisionError):
    """A site (data.police.uk or its mirror) did not give what was asked for, after the
    tries allowed: unreachable, timed out, an error status, an HTML page instead of a file.

    Parameters
    ----------
    url : str
        What was asked for.
    problem : str
        What went wrong, in plain words.
    status : int or None
        The HTTP status of the last answer, if there was one.
    """

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        self.url = url
        self.problem = problem
        self.status = status
        super().__init__(f"{url}: {problem}")


class RecordError(PrecisionError):
    """A record entered by a person cannot be stored.

    Parameters
    ----------
    reason : str
        Why, in the words of the row checks (e.g. ``"lsoa_code: ..."``).
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class StoreError(PrecisionError):
    """The incident store is missing, locked or inconsistent."""


class SettingsError(PrecisionError):
    """A setting has a value that cannot be used."""


class UserError(PrecisionError):
    """A change to the users file is refused; nothing was written.

    Parameters
    ----------
    username : str
        The account the change was for.
    problem : str
        Why it is refused, in plain words.
    """

    def __init__(self, username: str, problem: str) -> None:
        self.username = username
        self.problem = problem
        super().__init__(problem)


class UserExistsError(UserError):
    """An account of that name exists already: adding never replaces one (edit it instead)."""

    def __init__(self, username: str) -> None:
        super().__init__(
            username,
            f"A user named {username!r} exists already. Nothing was changed: to change their role, "
            "name or password, edit the account instead.",
        )


class TokenError(PrecisionError):
    """A sign-in token cannot be accepted (malformed, tampered with, expired, revoked, or its
    user changed); the reason is for the server's log, never for the browser."""


class ConstraintError(PrecisionError, ValueError):
    """A plan input outside its limits; the message names the field, the value and the limit.

    Also a :class:`ValueError`, as it was before the error tree held it.
    """


class DisclosureError(PrecisionError, ValueError):
    """Public material would disclose something it must not (also a :class:`ValueError`)."""
