"""Identifiers: UUID version 7 (time-ordered, RFC 9562), as the Storno API uses for every entity."""

from __future__ import annotations

import os
import time
import uuid

__all__ = ["uuid7", "new_id"]


def uuid7() -> uuid.UUID:
    """A new UUID v7: 48-bit Unix milliseconds, then random bits (RFC 9562 §5.7)."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= (rand >> 68 & 0xFFF) << 64  # rand_a (12 bits)
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b
    return uuid.UUID(int=value)


def new_id() -> str:
    """A new UUID v7 as its canonical string."""
    return str(uuid7())
