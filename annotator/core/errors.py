"""Errors meant for the user: each carries a message that says what is wrong and where."""


class AnnotatorError(Exception):
    """Base for every error the user should see as one clear line (no traceback)."""


class InputError(AnnotatorError):
    """A file or value the user gave cannot be used. Names the file and, where there is one, the line."""

    def __init__(self, reason: str, path: str | None = None, line: int | None = None):
        self.reason, self.path, self.line = reason, path, line
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(f"{where}{reason}")


class StoreError(AnnotatorError):
    """The database cannot be opened, read or written (not a database, too new, locked, read-only, full)."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient  # storage refused for now (locked, read-only, full, file gone): worth retrying


class NotFound(AnnotatorError):
    """A document, annotation, label or annotator that was asked for does not exist."""


class ConflictError(AnnotatorError):
    """Someone else changed the record since it was read; nothing was overwritten.

    current is the record as it is stored now (an Annotation, a Document, a Scheme), when it was read, so the
    user can be shown the other version; None when the clash was caught only at the database (a race)."""

    def __init__(self, message: str, current: object | None = None):
        super().__init__(message)
        self.current = current
