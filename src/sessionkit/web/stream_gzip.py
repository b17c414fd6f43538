"""gzip for the event stream, with each message compressed once for every phone.

A phone's bytes on an open board are mostly the deltas' notes (:mod:`.deltas`), the same
message for every connection. Compressing each connection's stream with a compressor of
its own would hold bytes back until the compressor chose to emit them (a note seen
late) and cost the one event loop a compression per phone per message. Instead each
message is compressed on its own, by a fresh raw-deflate compressor ending in a sync
flush: that makes it a whole number of bytes of non-final deflate blocks that refer to
nothing before them, so any sequence of such pieces, after one gzip header, is a valid
gzip stream that the browser decodes message by message as it arrives. The pieces are
kept by message (:data:`shared`), so a delta pushed to 1,000 phones is compressed once.

What stays per connection is only the gzip trailer's CRC-32 and length
(:class:`GzipStream`), written when the server ends the stream; a phone that hangs up
never needs one.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
"""gzip's header: deflate, no name, no time, unknown OS (RFC 1952, 2.3)."""

_FINAL_EMPTY_BLOCK = b"\x03\x00"
"""A final, empty block of fixed Huffman codes: ends the deflate data."""

LEVEL = 6
"""As the answers' gzip (:mod:`.assets`): nearly level 9's size for much less time."""


def deflate(message: bytes) -> bytes:
    """``message`` as raw deflate blocks that stand alone (see the module's docstring)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(message) + compressor.flush(zlib.Z_SYNC_FLUSH)


shared = lru_cache(maxsize=64)(deflate)
""":func:`deflate`, kept by message, for what the hub sends to many phones (a delta, a
notice, the heartbeat): it pushes one bytes object to every connection, and a bytes
object remembers its hash, so every phone after the first finds its piece at once."""


class GzipStream:
    """One connection's gzip stream: :meth:`start`, then :meth:`piece` for every message
    in order, then :meth:`end` if the server ends the stream."""

    def __init__(self) -> None:
        self._crc = 0
        self._size = 0

    def start(self, first: bytes) -> bytes:
        return HEADER + self.piece(first)

    def piece(self, message: bytes, *, personal: bool = False) -> bytes:
        """``message`` compressed; a ``personal`` one (a phone's own part) is not kept,
        so it never pushes a shared piece out of the cache."""
        self._crc = zlib.crc32(message, self._crc)
        self._size += len(message)
        return deflate(message) if personal else shared(message)

    def end(self) -> bytes:
        return _FINAL_EMPTY_BLOCK + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF)
