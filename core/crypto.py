"""Envelope encryption for identifying fields, built from `cryptography` primitives.

Each protected record has its own random 256-bit data key. The data key encrypts the
record's identifying fields with AES-256-GCM (authenticated); the data key itself is
stored only wrapped (AES-GCM) by the deployment's master key, which lives outside the
database (environment variable or key file). Destroying a record's wrapped data key
makes its identifying fields unrecoverable, even with the master key: that is erasure.

The master key has versions (a key ring; the newest wraps new data keys). Copies of an
erased row's wrapped key may survive for a while in dead rows, the WAL and backups;
`manage.py keys_rotate` (scheduled daily) makes a new version, re-wraps every live data
key under it and destroys the old versions, after which those copies cannot be
unwrapped by anyone (docs/erasure.md).

Keys are never generated here: a missing or malformed key raises KeyUnavailable naming
the variable or file. They are created only by `manage.py keys_init` (core.keys).

Search on protected fields goes through keyed blind indexes (HMAC-SHA256 with a
separate key), never through plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from core.text import fold

_NONCE = 12
_WRAPPED_LEN = _NONCE + 32 + 16  # nonce, data key, tag
_VERSION_LEN = 4  # big-endian master key version in front of a wrapped key

MASTER_ENV = "CAUNOI_MASTER_KEY"
MASTER_FILE_ENV = "CAUNOI_MASTER_KEY_FILE"
BLIND_ENV = "CAUNOI_BLIND_INDEX_KEY"
BLIND_FILE_ENV = "CAUNOI_BLIND_INDEX_KEY_FILE"


class DecryptionError(Exception):
    """The ciphertext was altered, or the key is gone (erased, or its version destroyed)."""


class KeyUnavailable(RuntimeError):
    """A key is missing or malformed. The message names the variable or file to fix."""


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def _decode_key(raw: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip().encode())
    except (binascii.Error, ValueError) as exc:
        raise KeyUnavailable(f"{where}: not valid base64url") from exc
    if len(key) != 32:
        raise KeyUnavailable(f"{where}: a key must be 32 bytes, base64url-encoded")
    return key


@dataclass(frozen=True)
class KeyRing:
    """Master key versions. The highest version wraps new data keys; any version still in
    the ring unwraps. A ring written by an earlier release (one bare key) is version 1."""

    keys: dict[int, bytes]
    source: str  # the variable or file it came from, for messages
    from_env: bool

    @property
    def current(self) -> int:
        return max(self.keys)

    @classmethod
    def parse(cls, text: str, source: str, *, from_env: bool) -> KeyRing:
        keys: dict[int, bytes] = {}
        lines = [ln.strip() for ln in text.replace(",", "\n").splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("#")]
        if not lines:
            raise KeyUnavailable(f"{source}: empty")
        for line in lines:
            version_text, sep, raw = line.partition(":")
            if not sep:
                if len(lines) != 1:
                    raise KeyUnavailable(f"{source}: each line must read <version>:<key>")
                version_text, raw = "1", line
            if not version_text.isdigit() or int(version_text) < 1:
                raise KeyUnavailable(f"{source}: key versions are whole numbers from 1")
            keys[int(version_text)] = _decode_key(raw, f"{source} (version {version_text})")
        return cls(keys=keys, source=source, from_env=from_env)

    def dump(self) -> str:
        return "".join(f"{v}:{encode_key(k)}\n" for v, k in sorted(self.keys.items()))


def _read_file(path: Path, variable: str) -> str:
    try:
        return path.read_text()
    except FileNotFoundError as exc:
        raise KeyUnavailable(
            f"key file {path} not found (set {variable}, or run `manage.py keys_init` "
            "on a new database; on a database that already holds encrypted data, restore "
            "the file from its backup)"
        ) from exc
    except OSError as exc:
        raise KeyUnavailable(f"key file {path} cannot be read: {exc.strerror}") from exc


_ring_lock = threading.Lock()
_ring_cache: dict[str, tuple[tuple[int, int, int], KeyRing]] = {}


def master_key_file() -> Path:
    return Path(settings.MASTER_KEY_FILE)


def blind_index_key_file() -> Path:
    return Path(settings.BLIND_INDEX_KEY_FILE)


def key_ring(*, reload: bool = False) -> KeyRing:
    """The master key ring, from CAUNOI_MASTER_KEY or the key file. The file is read
    again when it changes (a rotation in another process), so every process wraps new
    data keys under the newest version."""
    raw = os.environ.get(MASTER_ENV)
    if raw:
        return KeyRing.parse(raw, MASTER_ENV, from_env=True)
    path = master_key_file()
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except FileNotFoundError:
        stamp = (0, 0, 0)
    with _ring_lock:
        cached = _ring_cache.get(str(path))
        if cached and cached[0] == stamp and not reload:
            return cached[1]
        ring = KeyRing.parse(_read_file(path, MASTER_FILE_ENV), str(path), from_env=False)
        _ring_cache[str(path)] = (stamp, ring)
        return ring


def master_key() -> bytes:
    """The current master key version."""
    ring = key_ring()
    return ring.keys[ring.current]


_blind_cache: dict[str, bytes] = {}


def blind_index_key() -> bytes:
    raw = os.environ.get(BLIND_ENV)
    if raw:
        return _decode_key(raw, BLIND_ENV)
    path = blind_index_key_file()
    cached = _blind_cache.get(str(path))
    if cached is None:
        cached = _decode_key(_read_file(path, BLIND_FILE_ENV), str(path))
        _blind_cache[str(path)] = cached
    return cached


def forget_keys() -> None:
    """Drop cached keys (after keys_init writes new files, and in tests)."""
    with _ring_lock:
        _ring_cache.clear()
    _blind_cache.clear()


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_key(data_key: bytes, context: str, *, ring: KeyRing | None = None) -> bytes:
    """The data key wrapped under the current master key version, the version in front."""
    ring = ring or key_ring()
    version = ring.current
    nonce = secrets.token_bytes(_NONCE)
    sealed = AESGCM(ring.keys[version]).encrypt(nonce, data_key, context.encode())
    return version.to_bytes(_VERSION_LEN, "big") + nonce + sealed


def wrapped_version(wrapped: bytes) -> int:
    """The master key version a wrapped data key needs (1 for the unversioned layout)."""
    if len(wrapped) == _WRAPPED_LEN:
        return 1
    if len(wrapped) == _VERSION_LEN + _WRAPPED_LEN:
        return int.from_bytes(wrapped[:_VERSION_LEN], "big")
    raise DecryptionError("not a wrapped data key")


def unwrap_key(wrapped: bytes, context: str, *, ring: KeyRing | None = None) -> bytes:
    wrapped = bytes(wrapped)
    version = wrapped_version(wrapped)
    body = wrapped if len(wrapped) == _WRAPPED_LEN else wrapped[_VERSION_LEN:]
    ring = ring or key_ring()
    if version not in ring.keys:
        ring = key_ring(reload=True)  # another process may have just rotated
    key = ring.keys.get(version)
    if key is None:
        raise DecryptionError("the master key version that wrapped this data key is destroyed")
    try:
        return AESGCM(key).decrypt(body[:_NONCE], body[_NONCE:], context.encode())
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
