"""The event stream's gzip (web/stream_gzip.py): every message decodes the moment its
piece arrives, the pieces of one message are the same bytes for every phone, and a
stream the server ends is a whole gzip file (its CRC and length checked)."""

from __future__ import annotations

import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st

from sessionkit.web.stream_gzip import GzipStream, shared

messages = st.lists(st.binary(max_size=3000), min_size=1, max_size=12)


@given(messages, st.lists(st.booleans(), max_size=12))
def test_each_piece_decodes_at_once_and_the_ended_stream_is_valid_gzip(
    sent: list[bytes], personal: list[bool]
) -> None:
    stream = GzipStream()
    reader = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # as a browser reads gzip
    wire = stream.start(sent[0])
    assert reader.decompress(wire) == sent[0]  # nothing held back for later
    for number, message in enumerate(sent[1:]):
        own = personal[number] if number < len(personal) else False
        piece = stream.piece(message, personal=own)
        wire += piece
        assert reader.decompress(piece) == message
    wire += stream.end()
    assert gzip.decompress(wire) == b"".join(sent)  # checks the trailer's CRC and length


def test_a_message_for_every_phone_is_compressed_once() -> None:
    shared.cache_clear()
    delta = b'event: delta\ndata: {"added":[{"id":"n1","text":"x"}]}\n\n'
    phones = [GzipStream() for _ in range(3)]
    first, *others = [phone.piece(delta) for phone in phones]
    assert all(piece is first for piece in others)
    assert len(first) > 0
    assert shared.cache_info().currsize == 1
    own = b'event: me\ndata: {"notes":[]}\n\n'
    reader = zlib.decompressobj(wbits=-zlib.MAX_WBITS)
    assert reader.decompress(phones[0].piece(own, personal=True)) == own
    assert shared.cache_info().currsize == 1  # a phone's own part is not kept
