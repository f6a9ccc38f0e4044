"""The parser of kubectl's JSONPath (client-go ``util/jsonpath/parser.go`` and ``node.go``):
template text -> a tree of nodes that :mod:`jsonpath` evaluates."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError

__all__ = ["JSONPathError", "parse"]


class JSONPathError(UsageError):
    """A template that cannot be parsed or executed, worded like client-go's errors."""


# --- parse tree (client-go jsonpath/node.go) -----------------------------------------

@dataclass
class _List:
    nodes: list = field(default_factory=list)


@dataclass
class _Text:
    text: str


@dataclass
class _Field:
    name: str


@dataclass
class _Identifier:
    name: str


@dataclass
class _Array:
    params: list  # three [value, known, derived]


@dataclass
class _Filter:
    left: _List
    right: _List
    op: str


@dataclass
class _Literal:
    value: Any


@dataclass
class _Union:
    lists: list


class _Wildcard:
    pass


class _Recursive:
    pass


_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$")
_DICT_KEY = re.compile(r"^'([^']*)'$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.S)


def _is_terminator(ch: str) -> bool:
    return ch in ("", " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}")


class _Parser:
    """client-go jsonpath/parser.go: a rune-at-a-time scanner building _List nodes."""

    def __init__(self, text: str):
        self.input, self.pos, self.start = text, 0, 0
        self.root = _List()

    def parse(self) -> _List:
        self._parse_text(self.root)
        return self.root

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.pos += 1  # so _backup() works symmetrically at EOF
            return ""
        ch = self.input[self.pos]
        self.pos += 1
        return ch

    def _backup(self) -> None:
        self.pos -= 1

    def _consume(self) -> str:
        self.pos = min(self.pos, len(self.input))
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def _parse_text(self, cur: _List) -> None:
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    cur.nodes.append(_Text(self._consume()))
                self.pos += 1
                self._consume()
                action = _List()
                cur.nodes.append(action)
                return self._parse_inside(action)
            if self._next() == "":
                break
        self.pos = len(self.input)
        if self.pos > self.start:
            cur.nodes.append(_Text(self._consume()))

    def _parse_inside(self, cur: _List) -> None:
        while True:
            rest = self.input[self.pos:]
            if rest.startswith("}"):
                self.pos += 1
                self._consume()
                return self._parse_text(self.root)
            if rest.startswith("[?("):
                self._parse_filter(cur)
                continue
            if rest.startswith(".."):
                self._parse_recursive(cur)
                continue
            ch = self._next()
            if ch in ("", "\r", "\n"):
                raise JSONPathError("unclosed action")
            if ch in (" ", "@", "$"):
                self._consume()
            elif ch == "[":
                self._parse_array(cur)
            elif ch in ('"', "'"):
                self._parse_quote(cur, ch)
            elif ch == ".":
                self._parse_field(cur)
            elif ch in "+-" or ch.isdigit():
                self._backup()
                self._parse_number(cur)
            elif ch == "_" or ch.isalnum():
                self._backup()
                self._parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: U+{ord(ch):04X} '{ch}'")

    def _parse_identifier(self, cur: _List) -> None:
        while not _is_terminator(self._next()):
            pass
        self._backup()
        value = self._consume()
        cur.nodes.append(_Literal(value == "true") if value in ("true", "false") else _Identifier(value))

    def _parse_recursive(self, cur: _List) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], _Recursive):
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self._consume()
        cur.nodes.append(_Recursive())
        nxt = self.input[self.pos:self.pos + 1]
        if nxt and (nxt == "_" or nxt.isalnum()):
            self._parse_field(cur)

    def _parse_number(self, cur: _List) -> None:
        if self.input[self.pos:self.pos + 1] in ("+", "-"):
            self.pos += 1
        while self.pos < len(self.input) and (self.input[self.pos] == "." or self.input[self.pos].isdigit()):
            self.pos += 1
        value = self._consume()
        if re.fullmatch(r"[+-]?\d+", value):
            cur.nodes.append(_Literal(int(value)))
            return
        try:
            cur.nodes.append(_Literal(float(value)))
        except ValueError:
            raise JSONPathError(f"cannot parse number {value}") from None

    def _parse_array(self, cur: _List) -> None:
        while True:
            ch = self._next()
            if ch in ("", "\n"):
                raise JSONPathError("unterminated array")
            if ch == "]":
                break
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            cur.nodes.append(_Union([_parse_action(f"[{p.strip(' ')}]") for p in parts]))
            return
        key = _DICT_KEY.match(text)
        if key:
            cur.nodes.extend(_parse_action(f".{key.group(1)}").nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise JSONPathError(f"invalid array index {text}")
        params = [[0, False, False] for _ in range(3)]
        groups = [m.group(1) or "", m.group(2) or "", m.group(3) or ""]
        for i, raw in enumerate(groups):
            if raw:
                if i > 0:
                    raw = raw[1:]
                if i > 0 and raw == "":
                    params[i][1] = False
                else:
                    try:
                        params[i][0], params[i][1] = int(raw), True
                    except ValueError:
                        raise JSONPathError(f"array index {raw} is not a number") from None
            elif i == 1:
                params[1] = [params[0][0] + 1, True, True]
        cur.nodes.append(_Array(params))

    def _parse_filter(self, cur: _List) -> None:
        self.pos += 3
        self._consume()
        begin = end = False
        pair = ""
        while True:
            ch = self._next()
            if ch in ("", "\n"):
                raise JSONPathError("unterminated filter")
            if ch in ('"', "'"):
                if not begin:
                    begin, pair = True, ch
                    continue
                if self.input[self.pos - 2] != "\\" and ch == pair:
                    end = True
            elif ch == ")" and begin == end:
                break
        if self._next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self._consume()[:-2]
        m = _FILTER.match(text)
        if not m:
            cur.nodes.append(_Filter(_parse_action(text), _List(), "exists"))
        else:
            cur.nodes.append(_Filter(_parse_action(m.group(1)), _parse_action(m.group(3)), m.group(2)))

    def _parse_quote(self, cur: _List, quote: str) -> None:
        while True:
            ch = self._next()
            if ch in ("", "\n"):
                raise JSONPathError("unterminated quoted string")
            if ch == quote and self.input[self.pos - 2] != "\\":
                break
        raw = self._consume()
        cur.nodes.append(_Text(_unquote(raw)))

    def _parse_field(self, cur: _List) -> None:
        self._consume()
        while True:
            ch = self._next()
            if ch == "\\":
                self._next()
            elif _is_terminator(ch):
                self._backup()
                break
        value = self._consume()
        cur.nodes.append(_Wildcard() if value == "*" else _Field(value.replace("\\", "")))


def _unquote(raw: str) -> str:
    # client-go UnquoteExtend: strconv.Unquote that also accepts single quotes.
    body = raw[1:-1]
    if "\\" not in body:
        return body
    return body.encode("latin-1", "backslashreplace").decode("unicode_escape")


def _parse_action(text: str) -> _List:
    root = _Parser("{" + text + "}").parse()
    return root.nodes[0]



def parse(template: str) -> _List:
    """Parse a whole template (text with ``{...}`` actions) into its root list node."""
    return _Parser(template).parse()
