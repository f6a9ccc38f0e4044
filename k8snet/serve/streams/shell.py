"""The small interactive shell of ``kubectl exec -it POD -- sh``.

It offers the programs the emulated ``kubectl exec`` runs (``k8snet.kubectl.execs``: curl,
wget, nslookup, cat /etc/resolv.conf, env, hostname, ...) plus the few builtins a learner
types (``echo``, ``pwd``, ``cd``, ``exit``), and words things as the image's shell does:

* busybox, alpine, curlimages/curl: BusyBox ``ash`` — prompt ``/ # `` (root in ``/``) or
  ``~ $ `` (curlimages/curl runs as ``curl_user`` in its home), unknown commands
  ``sh: foo: not found``;
* Debian-based images (nginx, ubuntu, debian): ``dash`` — prompt ``# ``, unknown commands
  ``sh: 1: foo: not found`` (dash counts the lines it read).

With a TTY the terminal driver in the container echoes what is typed and turns ``\\n`` into
``\\r\\n`` (``onlcr``); line editing is the kernel's canonical mode: backspace erases,
Ctrl-C abandons the line, Ctrl-D on an empty line ends the shell.
"""
from __future__ import annotations

import shlex
from typing import Callable

__all__ = ["Shell", "flavour", "parse_line", "run_line", "run_pipeline", "FILTERS"]

#: The filters a pipeline may end with (busybox applets every image here has).
FILTERS = ("head", "tail", "grep", "wc")

BUSYBOX = ("busybox", "alpine", "curl")


def flavour(image: str) -> tuple[str, str]:
    """(shell kind, prompt) for a container image."""
    name = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    if name == "curl":
        return "ash", "~ $ "
    if name in BUSYBOX or name in ("netshoot", "dnsutils"):
        return "ash", "/ # "
    return "dash", "# "


class Shell:
    """One interactive shell.  ``run(argv) -> (output, exit code)`` runs a program in the pod.
    Feed it the bytes the terminal sends; it returns what the terminal shows."""

    def __init__(self, image: str, run: Callable[[list[str]], tuple[str, int]]):
        self.kind, self.prompt = flavour(image)
        self._run, self._line, self.lines_read = run, "", 0
        self.exit_code: int | None = None  # set when the shell has ended
        self.status = 0  # $?

    def start(self) -> bytes:
        """What the terminal shows first: the prompt."""
        return self.prompt.encode()

    def feed(self, data: bytes) -> bytes:
        """Handle typed bytes; returns the echo and any output."""
        out = []
        for ch in data.decode("utf-8", "replace"):
            if self.exit_code is not None:
                break
            if ch in ("\r", "\n"):
                out.append("\r\n")
                line, self._line = self._line, ""
                out.append(self._execute(line))
                if self.exit_code is None:
                    out.append(self.prompt)
            elif ch in ("\x7f", "\b"):
                if self._line:
                    self._line = self._line[:-1]
                    out.append("\b \b")
            elif ch == "\x03":  # Ctrl-C: the line is dropped, a new prompt
                self._line = ""
                out.append("^C\r\n" + self.prompt)
            elif ch == "\x04":  # Ctrl-D: end of input on an empty line
                if not self._line:
                    out.append("\r\n" if self.kind == "dash" else "")
                    self.exit_code = self.status
            elif ch == "\x15":  # Ctrl-U: kill the line
                out.append("\b \b" * len(self._line))
                self._line = ""
            elif ch == "\x1b" or ord(ch) < 32 and ch != "\t":
                continue  # escape sequences (arrows) and other controls: not handled
            else:
                self._line += ch
                out.append(ch)
        return "".join(out).encode()

    def _execute(self, line: str) -> str:
        self.lines_read += 1
        try:
            parsed = parse_line(line)
        except ValueError:
            self.status = 2
            return self._word("Syntax error: Unterminated quoted string").replace("\n", "\r\n")
        if len(parsed) == 1 and parsed[0][1][0] == ["pwd"]:
            self.status = 0
            return ("/home/curl_user" if self.prompt.startswith("~") else "/") + "\r\n"
        chunks, self.status, exited = run_line(self._run, line, self._word, self.status)
        text = "".join(t for _, t in chunks)
        if exited:
            self.exit_code = self.status
        return text.replace("\r\n", "\n").replace("\n", "\r\n")

    def _word(self, message: str) -> str:
        if self.kind == "dash":
            return f"sh: {self.lines_read}: {message}\n"
        return f"sh: {message}\n"


def parse_line(line: str) -> list[tuple[str, list[list[str]]]]:
    """``a | b; c && d`` -> [("", [a, b]), (";", [c]), ("&&", [d])]: pipelines and the operator
    before each (``;``, ``&&``, ``||``)."""
    lex = shlex.shlex(line, posix=True, punctuation_chars="|;&")
    lex.whitespace_split = True
    lex.commenters = "#"
    out: list[tuple[str, list[list[str]]]] = [("", [[]])]
    for token in lex:
        if token == "|":
            out[-1][1].append([])
        elif token in (";", "&&", "||"):
            out.append((token, [[]]))
        else:
            out[-1][1][-1].append(token)
    return [(op, [st for st in stages if st]) for op, stages in out if any(stages)]


def run_line(run, line: str, word: Callable[[str], str], status: int = 0) -> tuple[list[tuple[int, str]], int, bool]:
    """(output chunks, exit status, whether ``exit`` ended the shell) of a command line:
    pipelines joined by ``;``, ``&&``, ``||``.  Each chunk is (stream, text): 1 for stdout,
    2 for stderr (a program that failed, the shell's own errors).  ``word(message)`` words a
    shell error (``sh: foo: not found``); ``status`` is ``$?`` before the line."""
    chunks: list[tuple[int, str]] = []
    code = status
    for op, stages in parse_line(line):
        if (op == "&&" and code) or (op == "||" and not code):
            continue
        argv = stages[0]
        if argv[0] == "exit":
            try:
                return chunks, int(argv[1]) if len(argv) > 1 else code, True
            except ValueError:
                return chunks + [(2, word(f"exit: Illegal number: {argv[1]}"))], 2, True
        if argv[0] in ("cd", "true", ":"):
            code = 0
            continue
        out, code, missing = run_pipeline(run, stages)
        chunks.append((2, word(f"{missing}: not found")) if missing else (2 if code else 1, out))
    return [c for c in chunks if c[1]], code, False


def run_pipeline(run, stages: list[list[str]]) -> tuple[str, int, str]:
    """(output, exit status, name of a program not found or "") of a pipeline whose first
    stage runs in the pod and whose later stages are filters."""
    argv = stages[0]
    if argv[0] == "echo":
        text, code = " ".join(argv[1:]) + "\n", 0
    else:
        text, code = run(argv)
        if text.startswith("error: Internal error") or (code == 127 and text.endswith("not simulated here\n")):
            return "", 127, argv[0]
    for st in stages[1:]:
        if st[0] not in FILTERS:
            return "", 127, st[0]
        text, code = _filter(st, text)
    return text, code, ""


def _filter(argv: list[str], text: str) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    prog, args = argv[0], argv[1:]
    if prog in ("head", "tail"):
        n = 10
        for i, a in enumerate(args):
            if a == "-n" and i + 1 < len(args):
                n = int(args[i + 1])
            elif a.startswith("-n"):
                n = int(a[2:])
            elif a[1:].isdigit():
                n = int(a[1:])
        return "".join(lines[:n] if prog == "head" else lines[-n:] if n else []), 0
    if prog == "wc":
        return (f"{len(lines)}\n" if "-l" in args else f"{len(lines)} {len(text.split())} {len(text)}\n"), 0
    flags = "".join(a[1:] for a in args if a.startswith("-"))
    pattern = next((a for a in args if not a.startswith("-")), "")
    keep = [ln for ln in lines if ((pattern.lower() in ln.lower()) if "i" in flags else (pattern in ln)) != ("v" in flags)]
    return (f"{len(keep)}\n" if "c" in flags else "".join(keep)), 0 if keep else 1
