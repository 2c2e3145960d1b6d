"""Envelope encryption for identifying fields, built from `cryptography` primitives.

Each protected record has its own random 256-bit data key. The data key encrypts the
record's identifying fields with AES-256-GCM (authenticated); the data key itself is
stored only wrapped (AES-GCM) by the deployment's master key, which lives outside the
database (environment variable or key file). Destroying a record's wrapped data key
makes its identifying fields unrecoverable, even with the master key: that is erasure.

Search on protected fields goes through keyed blind indexes (HMAC-SHA256 with a
separate key), never through plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from geo.text import fold

_NONCE = 12


class DecryptionError(Exception):
    """The ciphertext was altered, or the key is gone (erased)."""


def _key_from(env_name: str, path: Path) -> bytes:
    raw = os.environ.get(env_name)
    if not raw:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        raw = path.read_text().strip()
    key = base64.urlsafe_b64decode(raw.encode())
    if len(key) != 32:
        raise ValueError(f"{env_name} must be 32 bytes, base64url-encoded")
    return key


@lru_cache(maxsize=1)
def master_key() -> bytes:
    return _key_from("CAUNOI_MASTER_KEY", settings.MASTER_KEY_FILE)


@lru_cache(maxsize=1)
def blind_index_key() -> bytes:
    return _key_from("CAUNOI_BLIND_INDEX_KEY", settings.BLIND_INDEX_KEY_FILE)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_key(data_key: bytes, context: str) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    return nonce + AESGCM(master_key()).encrypt(nonce, data_key, context.encode())


def unwrap_key(wrapped: bytes, context: str) -> bytes:
    try:
        return AESGCM(master_key()).decrypt(wrapped[:_NONCE], wrapped[_NONCE:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError("data key cannot be unwrapped") from exc


def encrypt_fields(data_key: bytes, fields: dict[str, str], context: str) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    plaintext = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, context.encode())


def decrypt_fields(data_key: bytes, blob: bytes, context: str) -> dict[str, str]:
    try:
        plaintext = AESGCM(data_key).decrypt(blob[:_NONCE], blob[_NONCE:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError("fields cannot be decrypted") from exc
    result: dict[str, str] = json.loads(plaintext)
    return result


def normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def blind_index(kind: str, value: str) -> str:
    """Keyed, deterministic index of a normalised value; empty for an empty value."""
    normalised = normalise_phone(value) if kind == "phone" else fold(value)
    if not normalised:
        return ""
    digest = hmac.new(blind_index_key(), f"{kind}:{normalised}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def words(text: str) -> list[str]:
    """Folded words of a text (letters and digits; punctuation splits)."""
    return re.findall(r"\w+", fold(text))


def name_token_indexes(name: str, nickname: str = "") -> set[str]:
    """Blind indexes ("name" kind) of the stretches of a name or nickname that identify a
    person when written in free text: the full name, every ending that keeps the given
    name ("thi lan", "van thi lan"), family + given name, the given name alone, and the
    full nickname. Free text is screened by folding its n-grams the same way
    (`blind_index("name", gram)`), so names are compared without decrypting anyone."""
    grams: set[str] = set()
    parts = words(name)
    if parts:
        grams.update(" ".join(parts[i:]) for i in range(len(parts)))
        if len(parts) >= 3:
            grams.add(f"{parts[0]} {parts[-1]}")
    nick = words(nickname)
    if nick:
        grams.add(" ".join(nick))
    return {blind_index("name", g) for g in grams}


class EncryptedIdentity:
    """Helper for a model that carries `wrapped_key` and `identity_blob` binary fields."""

    @staticmethod
    def seal(fields: dict[str, str], context: str) -> tuple[bytes, bytes]:
        data_key = new_data_key()
        return wrap_key(data_key, context), encrypt_fields(data_key, fields, context)

    @staticmethod
    def reseal(wrapped: bytes, fields: dict[str, str], context: str) -> bytes:
        return encrypt_fields(unwrap_key(wrapped, context), fields, context)

    @staticmethod
    def open(wrapped: bytes | None, blob: bytes | None, context: str) -> dict[str, str]:
        if not wrapped or not blob:
            raise DecryptionError("identity erased or never recorded")
        return decrypt_fields(unwrap_key(bytes(wrapped), context), bytes(blob), context)
