"""The keys paysync signs with, checked before anything starts: never the public one.

The development signing key is in the source, so anyone can forge tokens with it: only the
embedded development run (`paysync run`) may use it. Refusals are one line and never repeat
the key. The audit chain has keys of its own, each with an id the chain records on every
link, so a key can be retired without breaking the links it signed. See docs/adr/0031.
"""

from __future__ import annotations

import base64
import binascii
import re

from application.audit.audit_chain import ChainKeys, chain_key
from infrastructure.settings import DEVELOPMENT_SIGNING_KEY, Settings

MIN_KEY_LENGTH = 32
DEVELOPMENT_CHAIN_KEY_ID = "dev"
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class UnsafeSettings(Exception):
    """paysync will not start with these settings; `str(error)` says why in one line."""


def check_keys(settings: Settings) -> None:
    """Refuses the public development key outside development, and any short key."""
    if len(settings.signing_key) < MIN_KEY_LENGTH:
        raise UnsafeSettings(
            f"PAYSYNC_SIGNING_KEY is too short: it needs {MIN_KEY_LENGTH} characters or more"
        )
    _check_cipher_key(settings)
    if settings.development:
        chain_keys(settings)
        return
    if settings.signing_key == DEVELOPMENT_SIGNING_KEY:
        raise UnsafeSettings(
            "PAYSYNC_SIGNING_KEY is the public development key: set a secret one of"
            f" {MIN_KEY_LENGTH} characters or more (only `paysync run` may use the development key)"
        )
    if not settings.audit_keys:
        raise UnsafeSettings(
            "PAYSYNC_AUDIT_KEYS is not set: give the audit chain its own key, as id:key"
        )
    chain_keys(settings)


def chain_keys(settings: Settings) -> ChainKeys:
    """The audit chain's keys from PAYSYNC_AUDIT_KEYS; in development, one derived key."""
    if not settings.audit_keys:
        if not settings.development:
            raise UnsafeSettings("PAYSYNC_AUDIT_KEYS is not set")
        derived = chain_key(settings.signing_key)
        return ChainKeys(DEVELOPMENT_CHAIN_KEY_ID, {DEVELOPMENT_CHAIN_KEY_ID: derived})
    keys: dict[str, bytes] = {}
    current = None
    for position, entry in enumerate(settings.audit_keys.split(","), start=1):
        key_id, separator, secret = entry.strip().partition(":")
        if not separator or not _KEY_ID.match(key_id):
            raise UnsafeSettings(
                f"PAYSYNC_AUDIT_KEYS entry {position} is not id:key (an id of letters, digits,"
                " '.', '_' or '-')"
            )
        if len(secret) < MIN_KEY_LENGTH:
            raise UnsafeSettings(
                f"PAYSYNC_AUDIT_KEYS key {key_id} is too short: it needs {MIN_KEY_LENGTH}"
                " characters or more"
            )
        if key_id in keys:
            raise UnsafeSettings(f"PAYSYNC_AUDIT_KEYS names key {key_id} twice")
        if secret == settings.signing_key:
            raise UnsafeSettings(f"PAYSYNC_AUDIT_KEYS key {key_id} is the signing key")
        keys[key_id] = secret.encode()
        current = current or key_id
    assert current is not None  # split always yields one entry
    return ChainKeys(current, keys)


def _check_cipher_key(settings: Settings) -> None:
    if not settings.cipher_key:
        return
    try:
        size = len(base64.b64decode(settings.cipher_key, validate=True))
    except (binascii.Error, ValueError):
        size = 0
    if size not in (16, 24, 32):
        raise UnsafeSettings(
            "PAYSYNC_CIPHER_KEY must be 16, 24 or 32 random bytes in base64, e.g. from"
            " `openssl rand -base64 32`"
        )
