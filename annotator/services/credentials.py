"""Team-server passwords in the system keyring (through `keyring`), never in settings.json.

Where there is no keyring (a headless Linux box without Secret Service, say), nothing is saved and the caller
is told why, so the user knows they will be asked again.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, NoKeyringError

SERVICE = "media-annotator"


def saved_password(account: str) -> str | None:
    """The password kept for user@host:port/database, or None (none kept, or no keyring to ask)."""
    try:
        return keyring.get_password(SERVICE, account)
    except KeyringError:
        return None


def save_password(account: str, password: str) -> str:
    """Keep the password; returns "" when kept, else why it could not be (the password is then not kept)."""
    try:
        keyring.set_password(SERVICE, account, password)
    except KeyringError as exc:
        reason = "there is no system keyring" if isinstance(exc, NoKeyringError) else f"the keyring said: {exc}"
        return f"the password was not saved ({reason}); you will be asked for it next time"
    return ""


def forget_password(account: str) -> None:
    try:
        keyring.delete_password(SERVICE, account)
    except KeyringError:
        pass  # nothing kept, or no keyring: either way nothing is kept now
