"""Go's ``time.Parse`` with the RFC 3339 layout, as kubectl's ``util.ParseRFC3339`` uses it
(``logs --since-time``): the instant, or Go's own error text.

Go walks the layout ``2006-01-02T15:04:05Z07:00`` element by element (``time/format.go``
``parse``): a literal that does not match, or a number that does not parse, is
``parsing time "V" as "2006-01-02T15:04:05Z07:00": cannot parse "REST" as "ELEM"``; a number
out of its range is ``parsing time "V": month out of range`` (hour, minute, second alike, the
day checked last against the month's length); text after the zone is ``extra text``.  A
fraction after the seconds is accepted although the layout has none.
"""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta, timezone

__all__ = ["RFC3339", "TimeParseError", "parse_rfc3339"]

RFC3339 = "2006-01-02T15:04:05Z07:00"


class TimeParseError(ValueError):
    """time.ParseError: its Error() text is the message."""


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fail(value: str, rest: str, elem: str) -> TimeParseError:
    return TimeParseError(f"parsing time {_quote(value)} as {_quote(RFC3339)}: cannot parse {_quote(rest)} as {_quote(elem)}")


def _range(value: str, what: str) -> TimeParseError:
    return TimeParseError(f"parsing time {_quote(value)}: {what} out of range")


def _getnum(s: str, fixed: bool) -> tuple[int, str] | None:
    """format.go getnum: one or two digits (exactly two when ``fixed``)."""
    if not s[:1].isdigit():
        return None
    if not s[1:2].isdigit():
        return None if fixed else (int(s[0]), s[1:])
    return int(s[:2]), s[2:]


def parse_rfc3339(value: str) -> datetime:
    """The UTC instant ``value`` names, or TimeParseError with Go's words."""
    rest = value
    if len(rest) < 4 or not rest[:4].isdigit():
        raise _fail(value, rest, "2006")
    year, rest = int(rest[:4]), rest[4:]
    fields = {}
    for literal, elem, fixed, limit in (("-", "01", True, "month"), ("-", "02", True, None), ("T", "15", False, "hour"),
                                        (":", "04", True, "minute"), (":", "05", True, "second")):
        if not rest.startswith(literal):
            raise _fail(value, rest, literal)
        rest = rest[len(literal):]
        got = _getnum(rest, fixed)
        if got is None:
            raise _fail(value, rest, elem)
        number, rest = got
        bad = {"month": not 1 <= number <= 12, "hour": number >= 24, "minute": number >= 60,
               "second": number >= 60}.get(limit, False)
        if bad:
            raise _range(value, limit)
        fields[elem] = number
    nanos = 0
    if len(rest) >= 2 and rest[0] in ".," and rest[1].isdigit():  # a fraction the layout does not name
        n = 2
        while n < len(rest) and rest[n].isdigit():
            n += 1
        nanos, rest = int(rest[1:n][:9].ljust(9, "0")), rest[n:]
    if rest.startswith("Z"):
        offset, rest = 0, rest[1:]
    else:
        if len(rest) < 6 or rest[3] != ":" or rest[0] not in "+-" or _getnum(rest[1:3], True) is None \
                or _getnum(rest[4:6], True) is None:
            raise _fail(value, rest, "Z07:00")
        hours, minutes = int(rest[1:3]), int(rest[4:6])
        if hours > 24 or minutes > 60:
            raise _range(value, "time zone offset " + ("hour" if hours > 24 else "minute"))
        offset, rest = (1 if rest[0] == "+" else -1) * (hours * 3600 + minutes * 60), rest[6:]
    if rest:
        raise TimeParseError(f"parsing time {_quote(value)}: extra text: {_quote(rest)}")
    year = max(year, 1)  # Python's datetime starts at year 1
    if not 1 <= fields["02"] <= calendar.monthrange(year, fields["01"])[1]:
        raise _range(value, "day")
    local = datetime(year, fields["01"], fields["02"], fields["15"], fields["04"], fields["05"], tzinfo=timezone.utc)
    return local - timedelta(seconds=offset) + timedelta(microseconds=nanos // 1000)
