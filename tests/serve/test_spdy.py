"""SPDY/3.1 framing for port-forward (k8snet.serve.streams.spdy).

Rules: draft-mbelshe-httpbis-spdy-00 (SPDY/3) section 2.2 (control and data frame layout),
2.6.1 SYN_STREAM, 2.6.2 SYN_REPLY, 2.6.5 PING, 2.6.10 name/value header blocks compressed
with zlib and the section 2.6.10.1 dictionary, one compression context per direction.
"""
from __future__ import annotations

import struct
import zlib

import pytest

from k8snet.serve.streams import spdy


def _syn_stream(codec: spdy.HeaderCodec, sid: int, headers: dict, fin: bool = False) -> bytes:
    # What the client (moby/spdystream's framer) writes: stream id, associated id, priority, slot.
    body = struct.pack(">IIBB", sid, 0, 0, 0) + codec.encode(headers)
    return struct.pack(">HHI", 0x8003, spdy.SYN_STREAM, ((1 if fin else 0) << 24) | len(body)) + body


def test_dictionary_is_the_spdy3_one():
    # 2.6.10.1: starts with the length-prefixed "options", ends with "enq=0."; 1423 bytes long.
    assert spdy.DICTIONARY[:11] == b"\x00\x00\x00\x07options"
    assert spdy.DICTIONARY.endswith(b",*,enq=0.") and len(spdy.DICTIONARY) == 1423


def test_header_blocks_share_one_context_per_direction():
    client, server = spdy.HeaderCodec(), spdy.HeaderCodec()
    blocks = [{"streamtype": "error", "port": "80", "requestid": "0"},
              {"streamtype": "data", "port": "80", "requestid": "0"}]
    assert [server.decode(client.encode(h)) for h in blocks] == blocks
    # A block is a deflate stream continued with Z_SYNC_FLUSH: plain zlib with the dictionary reads it.
    raw = zlib.decompressobj(zdict=spdy.DICTIONARY).decompress(spdy.HeaderCodec().encode({"port": "8080"}))
    assert raw == struct.pack(">I", 1) + struct.pack(">I", 4) + b"port" + struct.pack(">I", 4) + b"8080"


ROWS = [  # (rule, bytes the client sends, split at, frame type, stream id, what the frame carries)
    ("2.6.1 SYN_STREAM with headers", lambda c: _syn_stream(c, 1, {"streamtype": "error", "port": "80"}, fin=True),
     5, spdy.SYN_STREAM, 1, {"headers": {"streamtype": "error", "port": "80"}, "fin": True}),
    ("2.2.2 data frame", lambda c: spdy.data(3, b"GET / HTTP/1.1\r\n\r\n"), 9, spdy.DATA, 3,
     {"data": b"GET / HTTP/1.1\r\n\r\n", "fin": False}),
    ("2.2.2 data frame with FLAG_FIN and no payload", lambda c: spdy.data(3, fin=True), 3, spdy.DATA, 3,
     {"data": b"", "fin": True}),
    ("2.6.5 PING carries a 32-bit id", lambda c: spdy.ping(7), 1, spdy.PING, 0, {"value": 7}),
    ("2.6.3 RST_STREAM status", lambda c: spdy.rst_stream(5, spdy.REFUSED_STREAM), 12, spdy.RST_STREAM, 5,
     {"value": spdy.REFUSED_STREAM}),
    ("2.6.6 GOAWAY", lambda c: spdy.goaway(9), 4, spdy.GOAWAY, 9, {"value": 0}),
]


@pytest.mark.parametrize("rule,make,split,ftype,sid,carries", ROWS, ids=[r[0] for r in ROWS])
def test_frames_survive_any_message_split(rule, make, split, ftype, sid, carries):
    # The WebSocket tunnel splits the byte stream anywhere: frames come out whole.
    wire = make(spdy.HeaderCodec())
    reader = spdy.Reader(spdy.HeaderCodec())
    assert reader.feed(wire[:split]) == [] or split >= len(wire)
    (frame,) = reader.feed(wire[split:])
    assert (frame.type, frame.stream_id) == (ftype, sid)
    for name, want in carries.items():
        assert getattr(frame, name) == want


def test_syn_reply_layout():
    # 2.6.2: control bit + version 3, type 2, flags, length; then the stream id and a header block.
    wire = spdy.syn_reply(spdy.HeaderCodec(), 1)
    version, ftype, flags_len = struct.unpack(">HHI", wire[:8])
    assert (version, ftype, flags_len >> 24, flags_len & 0xFFFFFF) == (0x8003, 2, 0, len(wire) - 8)
    assert spdy.Reader(spdy.HeaderCodec()).feed(wire)[0].headers == {}
