"""Bearer tokens read twice: the second read is remembered, and still ends at expiry."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from infrastructure.tokens import InvalidToken, Role, Tokens

KEY = "a-test-signing-key-that-is-long-enough-for-hs256"


def test_a_token_read_again_names_the_same_principal() -> None:
    tokens = Tokens(KEY)
    token = tokens.issue("alice", Role.AUDITOR, "acme")
    assert tokens.read(token) == tokens.read(token)
    assert tokens.read(token).subject == "alice"


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    tokens = Tokens(KEY)
    token = tokens.issue("alice", Role.AUDITOR, "acme", ttl=timedelta(seconds=1))
    tokens.read(token)
    time.sleep(2.1)  # exp is kept in whole seconds
    with pytest.raises(InvalidToken):
        tokens.read(token)


def test_a_token_signed_with_another_key_is_refused_even_after_a_good_one() -> None:
    tokens = Tokens(KEY)
    tokens.read(tokens.issue("alice", Role.AUDITOR, "acme"))
    forged = Tokens(KEY + "-other").issue("alice", Role.AUDITOR, "acme")
    with pytest.raises(InvalidToken):
        tokens.read(forged)
