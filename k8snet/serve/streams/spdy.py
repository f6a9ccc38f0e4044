"""The smallest SPDY/3.1 framing that Kubernetes port-forwarding needs.

Why this module exists: ``kubectl port-forward`` (v1.37) speaks SPDY/3.1 — tunneled inside
WebSocket binary messages (subprotocol ``SPDY/3.1+portforward.k8s.io``, client-go
tools/portforward/tunneling_connection.go), or after an HTTP ``Upgrade: SPDY/3.1``.  No
maintained SPDY/3.1 implementation exists on PyPI (``spdy-py`` was last released in 2021,
``python-spdylay`` in 2012, both for SPDY as a web protocol), so this module frames only
what moby/spdystream (the Go library on both ends of a real cluster) sends and expects:
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE and DATA frames,
and header blocks compressed with zlib and the SPDY/3 dictionary (draft-mbelshe-httpbis-spdy-00
section 2.6.10.1), one compression context per direction for the whole connection.

Flow control: spdystream neither sends WINDOW_UPDATE frames for port-forward data nor
enforces windows, so received ones are read and ignored, and none are sent.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

__all__ = ["Frame", "Reader", "HeaderCodec", "DICTIONARY", "syn_reply", "data", "rst_stream", "ping",
           "goaway", "FLAG_FIN", "SYN_STREAM", "SYN_REPLY", "RST_STREAM", "SETTINGS", "PING", "GOAWAY",
           "HEADERS", "WINDOW_UPDATE", "DATA", "VERSION"]

VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
DATA = 0  # not a control frame type: a data frame
FLAG_FIN = 0x01
#: RST_STREAM status codes (section 2.6.3) used here.
PROTOCOL_ERROR, REFUSED_STREAM = 1, 3

# The SPDY/3 header dictionary: these length-prefixed words, then the tail below.
_WORDS = ['options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin']
_TAIL = (b"100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
         b"203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
         b"Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 "
         b"Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, "
         b"Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
         b"application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
         b"gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.")
DICTIONARY = b"".join(struct.pack(">I", len(w)) + w.encode() for w in _WORDS) + _TAIL


@dataclass(slots=True)
class Frame:
    """One frame: ``type`` (a control type, or ``DATA``), its flags, the stream it is about
    and what it carries (``headers`` for SYN_STREAM/SYN_REPLY/HEADERS, ``data`` for DATA,
    ``value`` for PING's id, RST_STREAM's and GOAWAY's status, WINDOW_UPDATE's delta)."""

    type: int
    flags: int = 0
    stream_id: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes = b""
    value: int = 0

    @property
    def fin(self) -> bool:
        """The sender will send nothing more on this stream."""
        return bool(self.flags & FLAG_FIN)


class HeaderCodec:
    """The two zlib contexts of one connection (SPDY/3 keeps each for the connection's life)."""

    def __init__(self):
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._deflate = zlib.compressobj(zlib.Z_BEST_COMPRESSION, zdict=DICTIONARY)

    def decode(self, block: bytes) -> dict[str, str]:
        """A received header block -> {name: value} (several values joined with NUL stay joined)."""
        raw = self._inflate.decompress(block)
        (count,), pos, out = struct.unpack_from(">I", raw, 0), 4, {}
        for _ in range(count):
            (n,) = struct.unpack_from(">I", raw, pos)
            name = raw[pos + 4:pos + 4 + n].decode("latin-1")
            pos += 4 + n
            (n,) = struct.unpack_from(">I", raw, pos)
            out[name] = raw[pos + 4:pos + 4 + n].decode("latin-1")
            pos += 4 + n
        return out

    def encode(self, headers: dict[str, str]) -> bytes:
        """{name: value} -> a header block (names lower-case, as SPDY/3 requires)."""
        raw = struct.pack(">I", len(headers))
        for k, v in headers.items():
            kb, vb = k.lower().encode("latin-1"), v.encode("latin-1")
            raw += struct.pack(">I", len(kb)) + kb + struct.pack(">I", len(vb)) + vb
        return self._deflate.compress(raw) + self._deflate.flush(zlib.Z_SYNC_FLUSH)


class Reader:
    """Feed it bytes as they arrive (a tunnel's messages split frames anywhere); take frames."""

    def __init__(self, codec: HeaderCodec):
        self.codec, self._buf = codec, bytearray()

    def feed(self, chunk: bytes) -> list[Frame]:
        """The frames completed by chunk."""
        self._buf += chunk
        frames = []
        while len(self._buf) >= 8:
            length = int.from_bytes(self._buf[5:8], "big")
            if len(self._buf) < 8 + length:
                break
            head, body = bytes(self._buf[:8]), bytes(self._buf[8:8 + length])
            del self._buf[:8 + length]
            frames.append(self._frame(head, body))
        return frames

    def _frame(self, head: bytes, body: bytes) -> Frame:
        flags = head[4]
        if not head[0] & 0x80:  # a data frame: 31-bit stream id
            return Frame(DATA, flags, int.from_bytes(head[:4], "big") & 0x7FFFFFFF, data=body)
        ftype = int.from_bytes(head[2:4], "big")
        if ftype == SYN_STREAM:
            sid = int.from_bytes(body[:4], "big") & 0x7FFFFFFF
            return Frame(ftype, flags, sid, headers=self.codec.decode(body[10:]))
        if ftype in (SYN_REPLY, HEADERS):
            sid = int.from_bytes(body[:4], "big") & 0x7FFFFFFF
            return Frame(ftype, flags, sid, headers=self.codec.decode(body[4:]))
        if ftype in (RST_STREAM, WINDOW_UPDATE):
            sid = int.from_bytes(body[:4], "big") & 0x7FFFFFFF
            return Frame(ftype, flags, sid, value=int.from_bytes(body[4:8], "big") & 0x7FFFFFFF)
        if ftype == PING:
            return Frame(ftype, flags, value=int.from_bytes(body[:4], "big"))
        if ftype == GOAWAY:
            return Frame(ftype, flags, int.from_bytes(body[:4], "big") & 0x7FFFFFFF,
                         value=int.from_bytes(body[4:8], "big"))
        return Frame(ftype, flags)  # SETTINGS and anything newer: nothing port-forward needs


def _control(ftype: int, flags: int, body: bytes) -> bytes:
    return struct.pack(">HHI", 0x8000 | VERSION, ftype, (flags << 24) | len(body)) + body


def syn_reply(codec: HeaderCodec, stream_id: int, headers: dict[str, str] | None = None, fin: bool = False) -> bytes:
    """SYN_REPLY: the server accepts a stream the client opened."""
    return _control(SYN_REPLY, FLAG_FIN if fin else 0, struct.pack(">I", stream_id) + codec.encode(headers or {}))


def data(stream_id: int, payload: bytes = b"", fin: bool = False) -> bytes:
    """A DATA frame (empty with fin: the half-close)."""
    return struct.pack(">II", stream_id & 0x7FFFFFFF, ((FLAG_FIN if fin else 0) << 24) | len(payload)) + payload


def rst_stream(stream_id: int, status: int = PROTOCOL_ERROR) -> bytes:
    """RST_STREAM: abort one stream."""
    return _control(RST_STREAM, 0, struct.pack(">II", stream_id, status))


def ping(ping_id: int) -> bytes:
    """PING: the answer to the client's ping carries the same id."""
    return _control(PING, 0, struct.pack(">I", ping_id))


def goaway(last_stream_id: int, status: int = 0) -> bytes:
    """GOAWAY: no new streams on this connection."""
    return _control(GOAWAY, 0, struct.pack(">II", last_stream_id, status))
