"""The files of guided requests at rest: AES-256-GCM (the `cryptography` package's AESGCM) with the site's key
([bot.requests] key_env, 32 bytes as URL-safe base64): 12 random bytes of nonce (the size GCM is made for), then
the ciphertext with its tag. The request's and the file's ids are the associated data, so a stored file cannot be
swapped into another request or row unnoticed."""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE = 12


def read_key(value: str) -> bytes | None:
    """The 32-byte key from its text form (URL-safe base64, as `site-builder requests --new-key` prints it)."""
    try:
        key = base64.urlsafe_b64decode(value.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return key if len(key) == 32 else None


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def _aad(request_id: int, file_id: int) -> bytes:
    return f"request:{request_id}:file:{file_id}".encode("ascii")


def encrypt(key: bytes, data: bytes, request_id: int, file_id: int) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, data, _aad(request_id, file_id))


def decrypt(key: bytes, blob: bytes, request_id: int, file_id: int) -> bytes:
    return AESGCM(key).decrypt(blob[:NONCE], blob[NONCE:], _aad(request_id, file_id))
