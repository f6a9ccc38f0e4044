"""What a question takes: strict answer types with learner-facing messages.

Every question declares ``answer_type``; ``Problem.grade`` reads the answer through it before
the check runs.  A value of another shape is never guessed at (``True`` is not option (b),
``2`` is not option (c), ``"30080"`` is not the number 30080): it gets a message saying what
to write instead, e.g. ``answer with one of the letters a–d, in quotes: answer = "b"``.

    Letter          a letter among a multiple-choice question's options
    Integer         a whole number (not a bool, not a string of digits)
    Number          an int or a float
    Text            a non-empty string
    OneOf           one of a few exact phrases (case and surrounding spaces ignored)
    Command         a kubectl command line
    Manifest        YAML text (or the dict / list of dicts it parses to)
    Numbers         a list of numbers (``None`` allowed where a value is absent)
    NameSet         a set of names (strings)
    NameList        an ordered list of names (strings)
    Mapping         a dict with given keys, each value read by another type

One leniency rule applies everywhere: letter case, spaces and punctuation around the answer are
ignored, the words themselves are not — ``"timeout"`` is not ``"connection timed out"``; the message lists
the exact phrases to use.
"""
from __future__ import annotations

import math

__all__ = ["Incorrect", "NotAttempted", "WrongType", "AnswerType", "Letter", "Integer", "Number", "Text", "OneOf", "Command", "Manifest",
           "Numbers", "NameSet", "NameList", "Mapping", "LETTERS", "kind_of"]

LETTERS = "abcdefghij"


class Incorrect(Exception):
    """The answer is wrong; the message tells the learner what happened and what to look at."""


class NotAttempted(Exception):
    """The placeholder ``____`` is still there (or nothing was chosen in a widget)."""


class WrongType(Incorrect):
    """The answer has the wrong shape (a number where a letter is asked, ...): say what to write."""


def kind_of(value) -> str:
    """How a learner would call the Python value they wrote (for messages)."""
    if isinstance(value, bool):
        return f"the bool {value}"
    if isinstance(value, int):
        return f"the number {value}" if not _too_large(value) else f"a number with {_digits(value)} digits"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) <= 40 else "a string"
    names = {dict: "a dict", list: "a list", tuple: "a tuple", set: "a set", frozenset: "a set"}
    for t, name in names.items():
        if isinstance(value, t):
            return name
    return f"a {type(value).__name__} object"


#: Kubernetes' integers are Go int32/int64 (ports, counts, seconds): nothing asked for is larger.
INT64_LIMIT = 2 ** 63


def _too_large(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= INT64_LIMIT


def _digits(value: int) -> int:
    """How many decimal digits ``value`` has, without str() (Python refuses str() of an int
    over 4300 digits)."""
    n = abs(value)
    digits = int(n.bit_length() * 0.30102999566398120) + 1
    return digits - 1 if digits > 1 and n < 10 ** (digits - 1) else digits


def _refuse_huge(value, what: str) -> None:
    if _too_large(value):
        raise WrongType(f"{kind_of(value)} is larger than any integer Kubernetes stores (they are 64-bit "
                        f"at most: ports, counts, seconds): answer with {what}")


class AnswerType:
    """Reads an answer: ``read(answer, problem)`` returns the value the check works on, or
    raises WrongType with what to write instead.  ``describe()`` says it in words."""

    def read(self, answer, problem):  # pragma: no cover - every type overrides it
        raise NotImplementedError

    def describe(self, problem) -> str:  # pragma: no cover - every type overrides it
        raise NotImplementedError


class Letter(AnswerType):
    """A letter among the options of a MultipleChoice question (``"b"``, ``"B"``, ``"(b)"``,
    ``"b)"``), or an option's exact text."""

    def describe(self, problem) -> str:
        n = len(problem.options)
        return f"one of the letters {LETTERS[0]}–{LETTERS[n - 1]}, in quotes"

    def read(self, answer, problem) -> int:
        letters = LETTERS[:len(problem.options)]
        example = f'answer = "{letters[min(1, len(letters) - 1)]}"'
        if isinstance(answer, str):
            a = answer.strip().lower()
            a = a[1:] if a.startswith("(") else a
            a = a.rstrip(".").rstrip(")").strip()
            if len(a) == 1 and a in letters:
                return letters.index(a)
            for i, opt in enumerate(problem.options):
                if answer.strip().lower() == opt.strip().lower():
                    return i
        raise WrongType(f"{kind_of(answer)} is not one of the options: answer with {self.describe(problem)}, "
                        f"e.g. {example}")


class Integer(AnswerType):
    """A whole number; ``example`` is shown in messages."""

    def __init__(self, example: int = 80, what: str = "a whole number"):
        self.example, self.what = example, what

    def describe(self, problem) -> str:
        return f"{self.what}, without quotes (e.g. answer = {self.example})"

    def read(self, answer, problem) -> int:
        if isinstance(answer, int) and not isinstance(answer, bool):
            _refuse_huge(answer, self.describe(problem))
            return answer
        if isinstance(answer, str) and answer.strip().lstrip("-").isdigit():
            raise WrongType(f"write the number without quotes: answer = {answer.strip()}")
        if isinstance(answer, float) and math.isfinite(answer) and answer.is_integer():
            raise WrongType(f"write it as a whole number: answer = {int(answer)}")
        raise WrongType(f"{kind_of(answer)} is not {self.what}: answer with {self.describe(problem)}")


class Number(AnswerType):
    """An int or a float (not a bool, not NaN or infinity)."""

    def __init__(self, example="120", what: str = "a number"):
        self.example, self.what = example, what

    def describe(self, problem) -> str:
        return f"{self.what}, without quotes (e.g. answer = {self.example})"

    def read(self, answer, problem) -> float:
        _refuse_huge(answer, self.describe(problem))  # before isfinite(): it overflows on such ints
        if isinstance(answer, (int, float)) and not isinstance(answer, bool) and math.isfinite(answer):
            return answer
        if isinstance(answer, str):
            try:
                float(answer)
            except ValueError:
                pass
            else:
                raise WrongType(f"write the number without quotes: answer = {answer.strip()}")
        raise WrongType(f"{kind_of(answer)} is not {self.what}: answer with {self.describe(problem)}")


class Text(AnswerType):
    """A non-empty string (an address, a name, a URL ...)."""

    def __init__(self, example: str = "10.244.0.5", what: str = "a string"):
        self.example, self.what = example, what

    def describe(self, problem) -> str:
        return f'{self.what} in quotes (e.g. answer = "{self.example}")'

    def read(self, answer, problem) -> str:
        if isinstance(answer, str):
            return answer.strip()
        raise WrongType(f"{kind_of(answer)} is not a string: answer with {self.describe(problem)}")


class OneOf(AnswerType):
    """One of a few exact phrases; case, spaces and punctuation around them are ignored, the words
    are not."""

    def __init__(self, *choices: str):
        self.choices = choices

    def describe(self, problem) -> str:
        return "one of " + ", ".join(f'"{c}"' for c in self.choices)

    def read(self, answer, problem) -> str:
        if isinstance(answer, str):
            given = " ".join(answer.strip(" .!'\"\n\t").split()).lower()
            for c in self.choices:
                if given == c.lower():
                    return c
            raise WrongType(f"{answer.strip()!r} is not one of the phrases this question takes: answer "
                            f"{self.describe(problem)} (the exact words)")
        raise WrongType(f"{kind_of(answer)} is not one of the phrases: answer {self.describe(problem)}")


class Command(AnswerType):
    """A kubectl command line, as a string."""

    def describe(self, problem) -> str:
        return 'a kubectl command in quotes (e.g. answer = "kubectl get pods")'

    def read(self, answer, problem) -> str:
        if not isinstance(answer, str):
            raise WrongType(f"{kind_of(answer)} is not a command: answer with {self.describe(problem)}")
        line = " ".join(answer.split())
        for prompt in ("$ ", "%", "!"):  # a shell prompt, the %kubectl magic, a notebook shell escape
            if line.startswith(prompt + "kubectl "):
                line = line[len(prompt):]
        if not line.startswith("kubectl "):
            raise WrongType("start the command with `kubectl`, e.g. answer = \"kubectl get pods\"")
        return line


class Manifest(AnswerType):
    """YAML text; a dict (one object) or a list of dicts is taken as the objects it stands for."""

    def describe(self, problem) -> str:
        return "the YAML as a string in triple quotes: answer = '''apiVersion: ...'''"

    def read(self, answer, problem):
        if isinstance(answer, str):
            _check_heads(answer)
            return answer
        if isinstance(answer, dict) and isinstance(answer.get("kind"), str):
            return answer
        if isinstance(answer, (list, tuple)) and answer and all(
                isinstance(d, dict) and isinstance(d.get("kind"), str) for d in answer):
            return list(answer)
        raise WrongType(f"{kind_of(answer)} is not a manifest: give {self.describe(problem)}")


class Numbers(AnswerType):
    """A list of numbers in order; ``None`` stands for "no value" where the question allows it."""

    def __init__(self, example: str = "[0.5, None]"):
        self.example = example

    def describe(self, problem) -> str:
        return f"a list of numbers (None for no value), e.g. answer = {self.example}"

    def read(self, answer, problem) -> list:
        if isinstance(answer, (list, tuple)):
            for a in answer:
                _refuse_huge(a, self.describe(problem))  # before isfinite(): it overflows on such ints
            bad = [a for a in answer if a is not None and (isinstance(a, bool) or not isinstance(a, (int, float))
                                                           or not math.isfinite(a))]
            if not bad:
                return list(answer)
            raise WrongType(f"{kind_of(bad[0])} is not a number: answer with {self.describe(problem)}")
        raise WrongType(f"{kind_of(answer)} is not a list: answer with {self.describe(problem)}")


def _check_heads(text: str) -> None:
    """Every YAML document that is an object must name its apiVersion and kind as strings (kubectl
    refuses it otherwise); YAML that does not parse is left to ``kubectl apply``'s own message."""
    import yaml
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return
    for n, doc in enumerate(docs, 1):
        if not isinstance(doc, dict):
            continue
        missing = [k for k in ("apiVersion", "kind") if not isinstance(doc.get(k), str) or not doc.get(k)]
        if missing:
            raise WrongType(f"document {n} of your YAML: error validating data: "
                            f"[{', '.join(f'{k} not set' for k in missing)}] — every object needs apiVersion "
                            "and kind, e.g. apiVersion: v1 / kind: Service")


class NameSet(AnswerType):
    """A set of names: ``{"a", "b"}`` (a list or tuple is read as a set; ``set()`` means none)."""

    def __init__(self, example: str = '{"web-1", "web-2"}', what: str = "names"):
        self.example, self.what = example, what

    def describe(self, problem) -> str:
        return f"a set or list of {self.what} in quotes, e.g. answer = {self.example} (set() for none)"

    def read(self, answer, problem) -> frozenset:
        if isinstance(answer, str):
            raise WrongType(f"give a set, even for one name: answer = {{{answer.strip()!r}}} "
                            f"— or {self.describe(problem)}")
        if isinstance(answer, (set, frozenset, list, tuple)) and all(isinstance(a, str) for a in answer):
            return frozenset(a.strip() for a in answer)
        raise WrongType(f"{kind_of(answer)} is not a set of strings: answer with {self.describe(problem)}")


class NameList(AnswerType):
    """An ordered list of names (strings)."""

    def __init__(self, example: str = '["a", "b"]', what: str = "names"):
        self.example, self.what = example, what

    def describe(self, problem) -> str:
        return f"a list of {self.what} in quotes, in order, e.g. answer = {self.example}"

    def read(self, answer, problem) -> list:
        if isinstance(answer, (list, tuple)) and all(isinstance(a, str) for a in answer):
            return [a.strip() for a in answer]
        if isinstance(answer, (set, frozenset)):
            raise WrongType(f"a set has no order: answer with {self.describe(problem)}")
        raise WrongType(f"{kind_of(answer)} is not a list of strings: answer with {self.describe(problem)}")


class Mapping(AnswerType):
    """A dict with exactly ``keys``, each value read by ``value``."""

    def __init__(self, keys, value: AnswerType):
        self.keys, self.value = tuple(keys), value

    def describe(self, problem) -> str:
        return "a dict with the keys " + ", ".join(repr(k) for k in self.keys)

    def read(self, answer, problem) -> dict:
        if not isinstance(answer, dict):
            raise WrongType(f"{kind_of(answer)} is not a dict: give {self.describe(problem)}")
        extra = [k for k in answer if k not in self.keys]
        missing = [k for k in self.keys if k not in answer]
        if extra or missing:
            what = (f"unknown key {extra[0]!r}" if extra else f"the key {missing[0]!r} is missing")
            raise WrongType(f"{what}: answer with {self.describe(problem)}")
        out = {}
        for k in self.keys:
            try:
                out[k] = self.value.read(answer[k], problem)
            except WrongType as e:
                raise WrongType(f"{k}: {e}") from None
        return out
