"""kubectl's command line as cobra and pflag read it, before anything talks to a server.

* The command path comes first (cobra ``Command.Find`` with ``stripFlags``): ``create deploy``
  is the command ``create deployment``; a flag before the command name that the root does not
  know ends in kubectl's plugin handler: ``Error: flags cannot be placed before plugin name``.
* Then pflag ``FlagSet.Parse`` (interspersed): ``--name=value``, ``--name value``, ``-n value``,
  ``-nvalue``, ``-n=value``, grouped shorthands ``-it``, ``--`` ending the flags.  Each flag is
  set with its type's ``Set``: a bool takes ``strconv.ParseBool`` (``--force=false`` is false;
  ``--force false`` is ``--force`` and the argument ``false``), ints ``strconv.ParseInt(s, 0,
  bits)`` (``0x10``, ``0o7``, ``1_000``), ``-v`` klog's ``Level.Set`` (``ParseInt(s, 10, 32)``:
  ``-v=010`` is 10, ``-v=0x1`` is refused), durations ``time.ParseDuration``.  List flags keep
  every repetition, as a tuple: a StringSlice (``-f``, ``-L``, ``--image``) reads each value as
  one CSV record (``-L a,b -L c`` is ``("a", "b", "c")``), a StringArray (``--env``,
  ``--annotations``) keeps each value whole.  Names are normalized as kubectl's
  ``WordSepNormalizeFunc`` does (``_`` reads as ``-``).
* Errors are pflag's words followed by cobra's ``See 'kubectl get --help' for usage.``
  (``error: unknown flag: --foo``, ``error: unknown shorthand flag: 'z' in -z``,
  ``error: flag needs an argument: 'n' in -n``, ``error: bad flag syntax: ---x``).

Which flags exist, and their types, is data read from the real binary (flagsets.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import UsageError, go_quote
from . import flagsets

__all__ = ["Flag", "CommandLine", "parse", "parse_bool", "parse_duration", "usage", "unknown_command",
           "SUBCOMMANDS", "ALIASES", "ROOT_COMMANDS"]

SUBCOMMANDS = flagsets.SUBCOMMANDS
ALIASES = flagsets.ALIASES
ROOT_COMMANDS = flagsets.ROOT_COMMANDS


@dataclass(frozen=True, slots=True)
class Flag:
    """One pflag flag: ``name``, ``shorthand``, value ``type`` and its ``no_opt_default``
    (pflag's NoOptDefVal: the value a flag given without one gets; ``"true"`` for bools)."""

    name: str
    shorthand: str
    type: str
    no_opt_default: str = ""

    @classmethod
    def from_row(cls, row: str) -> "Flag":
        """``"A|all-namespaces|bool"`` or ``"|dry-run|string=unchanged"`` (flagsets.py rows)."""
        short, name, kind = row.split("|")
        kind, _, default = kind.partition("=")
        return cls(name, short, kind, "true" if kind == "bool" else default)

    @property
    def shown(self) -> str:
        """How pflag names the flag in an error: ``-A, --all-namespaces`` or ``--force``."""
        return f"-{self.shorthand}, --{self.name}" if self.shorthand else f"--{self.name}"


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A parsed command line: the command path's words as typed (``("create", "deploy")``),
    the canonical ``path`` (``"create deployment"``), the positional ``args`` after it, the
    ``flags`` by long name (``"--namespace"``; bools as ``True``/``False``, the rest as text)
    and the words after ``--``."""

    words: tuple[str, ...]
    path: str
    args: tuple[str, ...]
    flags: dict
    after: tuple[str, ...]


def _table(rows) -> dict[str, Flag]:
    return {f.name: f for f in map(Flag.from_row, rows)}


_GLOBAL = _table(flagsets.GLOBAL)
_COMMANDS = {path: {**_GLOBAL, **_table(rows)} for path, rows in flagsets.COMMANDS.items()}


def usage(path: str) -> str:
    """cobra's line after a flag error: ``See 'kubectl get --help' for usage.``"""
    return f"See 'kubectl {path} --help' for usage."


def _fail(path: str, message: str) -> UsageError:
    return UsageError(f"error: {message}\n{usage(path)}")


def parse_bool(text: str) -> bool | None:
    """strconv.ParseBool: ``1 t T TRUE true True`` / ``0 f F FALSE false False``, else None."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def parse_duration(text: str) -> float:
    """time.ParseDuration in seconds; raises ValueError with Go's message
    (``time: invalid duration "x"``, ``time: missing unit in duration "5"``)."""
    invalid = ValueError(f'time: invalid duration "{text}"')
    rest, sign = text, 1
    if rest[:1] in ("-", "+"):
        sign, rest = (-1 if rest[0] == "-" else 1), rest[1:]
    if rest == "0":
        return 0.0
    if not rest:
        raise invalid
    total = 0.0
    while rest:
        number = re.match(r"[0-9]*(\.[0-9]*)?", rest).group()
        if number.strip(".") == "":
            raise invalid
        rest = rest[len(number):]
        unit = re.match(r"[^0-9.]*", rest).group()
        if not unit:
            raise ValueError(f'time: missing unit in duration "{text}"')
        if unit not in _UNITS:
            raise ValueError(f'time: unknown unit "{unit}" in duration "{text}"')
        rest = rest[len(unit):]
        total += float(number) * _UNITS[unit]
    return sign * total


def _set(path: str, flag: Flag, value: str, flags: dict) -> None:
    """pflag FlagSet.set: the type's Set, or ``invalid argument "v" for "--f" flag: why``."""
    from .generators import go_parse_int
    why = ""
    if flag.type == "bool":
        parsed = parse_bool(value)
        if parsed is None:
            why = f'strconv.ParseBool: parsing "{value}": invalid syntax'
        flags[f"--{flag.name}"] = parsed
    elif flag.type in ("stringSlice", "stringArray"):
        try:
            values = _read_csv(value) if flag.type == "stringSlice" else [value]
        except ValueError as e:
            why, values = str(e), []
        flags[f"--{flag.name}"] = (*flags.get(f"--{flag.name}", ()), *values)
    else:
        if flag.type in ("int32", "int64"):
            why = go_parse_int(value, int(flag.type[3:]))[1]
        elif flag.type == "level":
            why = go_parse_int(value, 32, base=10)[1]
        elif flag.type == "duration":
            try:
                parse_duration(value)
            except ValueError as e:
                why = str(e)
        flags[f"--{flag.name}"] = value
    if why:
        raise _fail(path, f'invalid argument {go_quote(value)} for "{flag.shown}" flag: {why}')


def _read_csv(text: str) -> list[str]:
    """pflag readAsCSV: one record of Go's encoding/csv (``a,"b,c"`` is ``a`` and ``b,c``;
    an empty value is no values), or ValueError with csv's ParseError text."""
    if text == "":
        return []
    fields, i, n = [], 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j, value = i + 1, []
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise ValueError(f'parse error on line 1, column {n + 1}: extraneous or missing " in quoted-field')
                value.append(text[j:k])
                if text[k + 1:k + 2] == '"':  # a doubled quote is one quote
                    value.append('"')
                    j = k + 2
                    continue
                if k + 1 < n and text[k + 1] != ",":
                    raise ValueError(f'parse error on line 1, column {k + 2}: extraneous or missing " in quoted-field')
                i = k + 1
                break
            fields.append("".join(value))
        else:
            k = text.find(",", i)
            end = n if k < 0 else k
            bare = text.find('"', i, end)
            if bare >= 0:
                raise ValueError(f'parse error on line 1, column {bare + 1}: bare " in non-quoted-field')
            fields.append(text[i:end])
            i = end
        if i >= n:
            return fields
        i += 1  # the comma


def _help(path: str) -> UsageError:
    page = "kubectl_" + path.replace(" ", "_")
    return UsageError(f"error: k8snet does not print kubectl's help; `kubectl {path} --help` is at "
                      f"https://kubernetes.io/docs/reference/kubectl/generated/{page}/")


def _strip_flags(words: list[str], table: dict[str, Flag]) -> list[str]:
    """cobra stripFlags: the words that name commands (a flag without ``=`` that may take a
    value swallows the next word)."""
    shorts = {f.shorthand: f for f in table.values() if f.shorthand}
    commands, i = [], 0
    while i < len(words):
        s = words[i]
        i += 1
        if s == "--":
            break
        long_takes_value = s.startswith("--") and "=" not in s and not getattr(table.get(s[2:]), "no_opt_default", "")
        short_takes_value = (s.startswith("-") and "=" not in s and len(s) == 2
                             and not getattr(shorts.get(s[1:]), "no_opt_default", ""))
        if long_takes_value or short_takes_value:
            if len(words) - i <= 1:  # cobra: "-f arg" with nothing after arg ends the search
                break
            i += 1
        elif s and not s.startswith("-"):
            commands.append(s)
    return commands


def _command_path(words: list[str]) -> tuple[tuple[str, ...], str]:
    """cobra Command.Find: (the words naming the command, the canonical path)."""
    found = _strip_flags(words, _GLOBAL)
    if not found:
        return (), ""
    verb = found[0]
    if verb not in flagsets.SUBCOMMANDS:
        return (verb,), verb
    rest = _strip_flags(words[words.index(verb) + 1:], _COMMANDS.get(verb, _GLOBAL))
    if rest:
        sub = f"{verb} {rest[0]}"
        sub = flagsets.ALIASES.get(sub, sub)
        if sub.split(" ", 1)[1] in flagsets.SUBCOMMANDS[verb]:
            return (verb, rest[0]), sub
    return (verb,), verb


def parse(command_line: str) -> CommandLine:
    """Read a kubectl command line as kubectl v1.37 does, or raise UsageError in its words."""
    import shlex
    try:
        words = shlex.split(command_line)
    except ValueError as e:
        raise UsageError(f"error: cannot parse command line: {e}") from None
    if words[:1] == ["kubectl"]:
        words = words[1:]
    named, path = _command_path(words)
    if words and words[0].startswith("-") and path not in _COMMANDS and path not in flagsets.SUBCOMMANDS \
            and words[0] not in ("-h", "--help"):
        # kubectl's main: no command found, so the plugin handler reads the line and stops here.
        raise UsageError(f"Error: flags cannot be placed before plugin name: {words[0]}")
    table = _COMMANDS.get(path)
    if table is None:  # not a command the simulator runs: its flags are unknown here, left unread
        return CommandLine(tuple(named), path, tuple(w for w in words if w not in named), {}, ())
    shorts = {f.shorthand: f for f in table.values() if f.shorthand}
    flags: dict = {}
    args: list[str] = []
    after: list[str] = []
    todo = list(words)
    for word in named:  # the command's own words are not arguments
        todo.remove(word)
    shown = path or "kubectl"
    while todo:
        s = todo.pop(0)
        if len(s) < 2 or s[0] != "-":
            args.append(s)
        elif s == "--":
            after = todo
            break
        elif s[1] == "-":
            name, eq, value = s[2:].partition("=")
            if not name or name[0] in "-=":
                raise _fail(shown, f"bad flag syntax: {s}")
            flag = table.get(name.replace("_", "-"))
            if flag is None:
                if name == "help":
                    raise _help(shown)
                raise _fail(shown, f"unknown flag: --{name}")
            if not eq:
                if flag.no_opt_default:
                    value = flag.no_opt_default
                elif todo:
                    value = todo.pop(0)
                else:
                    raise _fail(shown, f"flag needs an argument: {s}")
            _set(shown, flag, value, flags)
        else:
            shorthands = s[1:]
            while shorthands:
                c = shorthands[0]
                flag = shorts.get(c)
                if flag is None:
                    if c == "h":
                        raise _help(shown)
                    raise _fail(shown, f"unknown shorthand flag: '{c}' in -{shorthands}")
                if len(shorthands) > 2 and shorthands[1] == "=":
                    value, shorthands = shorthands[2:], ""
                elif flag.no_opt_default:
                    value, shorthands = flag.no_opt_default, shorthands[1:]
                elif len(shorthands) > 1:
                    value, shorthands = shorthands[1:], ""
                elif todo:
                    value, shorthands = todo.pop(0), ""
                else:
                    raise _fail(shown, f"flag needs an argument: '{c}' in -{shorthands}")
                _set(shown, flag, value, flags)
    return CommandLine(tuple(named), path, tuple(args), flags, tuple(after))


def _levenshtein(a: str, b: str) -> int:
    a, b = a.lower(), b.lower()  # cobra's ld(s, t, ignoreCase=true)
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def unknown_command(word: str) -> str:
    """cobra's error for a word that names no kubectl command, with its ``Did you mean this?``
    list (SuggestionsFor: Levenshtein distance <= 2, or a prefix, in the root's command order)."""
    found = [c for c in ROOT_COMMANDS if _levenshtein(word, c) <= 2 or c.lower().startswith(word.lower())]
    text = f'error: unknown command "{word}" for "kubectl"'
    if found:
        text += "\n\nDid you mean this?\n" + "\n".join("\t" + c for c in found)
    return text
