"""Encryption at rest for journal text (AES-256-GCM from the `cryptography` package).

The key comes from `TRUSTBOT_DATA_KEY` (url-safe base64 of 32 bytes) or from a key file that is
created on first run with mode 0600 next to the database. Each value is sealed with a fresh
96-bit nonce and the owner's user id as associated data, so a ciphertext copied onto another
user's row does not decrypt.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE_NAME = "trustbot.key"
_VERSION = b"\x01"


class KeyError_(Exception):
    """The data key is missing, malformed or wrong."""


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, TypeError):
        raise KeyError_("TRUSTBOT_DATA_KEY is not base64") from None
    if len(raw) != 32:
        raise KeyError_("TRUSTBOT_DATA_KEY must be 32 bytes (44 characters of base64)")
    return raw


def new_key_text() -> str:
    """A fresh key in the form TRUSTBOT_DATA_KEY expects."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def load_or_create_key(env_value: str | None, db_path: Path) -> bytes:
    """The key from the environment, else from the key file beside the database (made if absent)."""
    if env_value:
        return _decode_key(env_value)
    key_path = db_path.parent / KEY_FILE_NAME
    if key_path.exists():
        return _decode_key(key_path.read_text(encoding="ascii"))
    key_path.parent.mkdir(parents=True, exist_ok=True)
    text = new_key_text()
    # O_EXCL: two processes starting at once must not write two different keys.
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return _decode_key(text)


class Sealer:
    """Seals and opens short texts bound to one user id."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, user_id: int, text: str) -> bytes:
        nonce = secrets.token_bytes(12)
        aad = _VERSION + str(user_id).encode("ascii")
        return _VERSION + nonce + self._aead.encrypt(nonce, text.encode("utf-8"), aad)

    def open(self, user_id: int, blob: bytes) -> str:
        if not blob or blob[:1] != _VERSION:
            raise KeyError_("unknown ciphertext version")
        nonce, body = blob[1:13], blob[13:]
        try:
            plain = self._aead.decrypt(nonce, body, _VERSION + str(user_id).encode("ascii"))
        except InvalidTag:
            raise KeyError_("journal entry does not open with this key") from None
        return plain.decode("utf-8")
