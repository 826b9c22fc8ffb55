"""Errors raised by cxkit, one family per capability.

The tree::

    CxError
    ├── ConfigError (ValueError)          a bad cx.toml, URL or option
    ├── WorkspaceError                    a workspace that cannot be opened or written
    │   └── UnknownTable (KeyError)       a table name outside the canonical model
    ├── ModelError (ValueError)            data a model cannot learn from, or a failed fit
    ├── MissingInput (LookupError)         an input table or column a result needs is empty
    ├── SurveyError (ValueError)           a bad survey definition, answer or invitation token
    ├── AuthError                          a bad login, password, role or API key
    └── IngestError                       a file that cannot be ingested at all
        ├── UnreadableFile (ValueError)   wrong encoding, not a CSV, empty, missing file
        ├── MissingColumn (ValueError)    a required column absent from the file or mapping
        └── MappingError (ValueError)     a mapping file that does not fit the table

Row-level problems are not errors: they go to the ``quarantine`` table. Errors are for
problems that stop a whole load. Each carries its location as attributes so callers need
not parse the message.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "ConfigError",
    "CxError",
    "IngestError",
    "MappingError",
    "MissingColumn",
    "MissingInput",
    "ModelError",
    "SurveyError",
    "UnknownTable",
    "UnreadableFile",
    "WorkspaceError",
    "check_fitted",
]


class CxError(Exception):
    """Base class of every error cxkit raises on purpose."""


class ConfigError(CxError, ValueError):
    """A configuration value, URL or option that cxkit cannot use."""


class WorkspaceError(CxError):
    """A workspace that cannot be opened, created or written."""


class UnknownTable(WorkspaceError, KeyError):
    """A table name that is not part of the canonical data model."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(f"unknown table {name!r}; expected one of: {', '.join(known)}")

    def __str__(self) -> str:
        # KeyError quotes its argument; show the sentence as written.
        return str(self.args[0])


class IngestError(CxError):
    """A file that cannot be ingested at all; nothing from it was stored."""

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None):
        self.file = file
        self.column = column
        super().__init__(message)


class UnreadableFile(IngestError, ValueError):
    """A file that cannot be read as the given or detected format."""


class MissingColumn(IngestError, ValueError):
    """A required column that neither the file nor the mapping provides."""


class MappingError(IngestError, ValueError):
    """A column mapping that is malformed or names columns the file lacks."""


class ModelError(CxError, ValueError):
    """Data a model cannot be fitted on, or a fit that failed to converge."""


class MissingInput(CxError, LookupError):
    """An input a result needs is empty or absent: a table, or a column of one.

    Raised instead of answering with an empty table or a figure that only looks computed
    (a funnel without stages, a 100% drop-off without orders). The message names the table
    and the command that loads it; ``.table`` and ``.column`` say the same for callers.
    """

    def __init__(self, message: str, *, table: str, column: str | None = None) -> None:
        self.table = table
        self.column = column
        super().__init__(message)


class SurveyError(CxError, ValueError):
    """A survey that cannot be defined, or an answer or invitation that cannot be taken."""


class AuthError(CxError):
    """A user, role, password or API key that cannot be accepted."""


def check_fitted(estimator: object, attribute: str) -> None:
    """Raise scikit-learn's ``NotFittedError`` unless ``estimator`` has ``attribute`` set.

    For estimators whose modules avoid importing scikit-learn until it is needed: the
    check costs an attribute lookup, and the import happens only to raise.
    """
    if not hasattr(estimator, attribute):
        from sklearn.exceptions import NotFittedError

        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )
