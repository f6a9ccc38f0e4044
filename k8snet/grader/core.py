"""The grading framework (after Kaggle's learntools): problems, outcomes, hints, solutions.

A question is a small class::

    class PortOfWeb(Problem):
        '''Which port does the Service `web` listen on?'''
        _hints = ["Look at `kubectl get svc web`.", "The PORT(S) column reads port/protocol."]
        _solution = "answer = 80"
        _solution_answer = 80

        def check_answer(self, answer):
            expected = self.cluster().get("svc", "web")["spec"]["ports"][0]["port"]
            if answer != expected:
                raise Incorrect(f"{answer} is not it: ...")

and a notebook cell reads ``q1.check(answer)``.  Outcomes:

* ``____`` left in place           -> *incomplete* (``NotAttempted``)
* an answer of the wrong shape     -> *incorrect*, saying what to write (``answer_type``)
* ``check_answer`` raises Incorrect -> *incorrect*, with the learner-facing message
* anything else it raises          -> *incorrect*, with a plain message — never a traceback
* it returns                       -> *correct*

Every question declares ``answer_type`` (``k8snet.grader.answers``) and ``wrong_answers``:
the near misses a learner would try, each with words its feedback must contain; the test
suite checks them all.  check(), hint() and solution() are recorded in the learner's progress
file (``k8snet.grader.progress``).

Checks must compute the expected result by running the simulator, not compare with a
stored string.
"""
from __future__ import annotations

import html
import inspect
import re
import sys
from dataclasses import dataclass
from enum import Enum

from .answers import LETTERS, AnswerType, Incorrect, Letter, NotAttempted, WrongType

__all__ = ["____", "Placeholder", "Incorrect", "NotAttempted", "WrongType", "Outcome", "Feedback", "Problem",
           "MultipleChoice", "Exercise", "text_html"]


class Placeholder:
    """The blank a learner replaces: ``answer = ____``."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __str__(self) -> str:
        return "____"


____ = Placeholder()


class Outcome(str, Enum):
    """How a check ended."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    INCOMPLETE = "incomplete"


_STYLE = {
    Outcome.CORRECT: ("#1b5e20", "#e8f5e9", "Correct"),
    Outcome.INCORRECT: ("#b71c1c", "#ffebee", "Incorrect"),
    Outcome.INCOMPLETE: ("#5d4037", "#fff8e1", "Incomplete"),
}

_CODE = re.compile(r"`([^`\n]+)`")


def text_html(text: str) -> str:
    """Learner text as HTML: escaped, with `code` spans shown as code (never raw backticks)."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", html.escape(text, quote=False))


@dataclass(frozen=True)
class Feedback:
    """What a check, hint or solution shows in the notebook (text and HTML, deterministic)."""

    outcome: Outcome | None
    message: str
    title: str = ""

    def __bool__(self) -> bool:
        return self.outcome is Outcome.CORRECT

    def __repr__(self) -> str:
        head = self.title or (_STYLE[self.outcome][2] if self.outcome else "")
        return f"{head}: {self.message}" if head else self.message

    def _repr_html_(self) -> str:
        fg, bg, word = _STYLE.get(self.outcome, ("#0d47a1", "#e3f2fd", ""))
        head = self.title or word
        return (f'<div style="border-left:4px solid {fg};background:{bg};color:#111;padding:6px 10px;'
                f'font-family:sans-serif"><b style="color:{fg}">{html.escape(head)}</b>: '
                f'<span style="white-space:pre-wrap">{text_html(self.message)}</span></div>')


#: what a learner sees when a check itself breaks on an answer nobody foresaw
_UNCHECKABLE = "this answer could not be checked: answer with {what}."


class Problem:
    """One question.  Subclasses set ``answer_type``, ``_hints``, ``_solution``,
    ``wrong_answers`` and ``check_answer``."""

    #: what the question takes (an ``answers.AnswerType``); other values get a message, not a guess
    answer_type: AnswerType | None = None
    _hints: list[str] = []
    _solution: str = ""
    #: the reference answer, as a learner would write it (tests check that it passes)
    _solution_answer = None
    #: near misses a learner would really try: (answer, words the feedback must contain)
    wrong_answers: list = []

    def __init__(self) -> None:
        self.outcome: Outcome | None = None
        self.attempts = 0
        self._where: tuple[str, str] | None = None  # (exercise, question), set by Exercise
        self.last_exception: Exception | None = None

    @property
    def question(self) -> str:
        return inspect.cleandoc(type(self).__doc__ or "")

    def check_answer(self, answer) -> None:  # pragma: no cover - every question overrides it
        raise NotImplementedError

    def read(self, answer):
        """The answer as the check works on it (``answer_type``), or WrongType / NotAttempted."""
        if _blank(answer):
            raise NotAttempted("replace ____ with your answer, then run this cell again")
        return answer if self.answer_type is None else self.answer_type.read(answer, self)

    def grade(self, answer, *, record: bool = True) -> Feedback:
        """Run the check and keep the outcome (for the progress summary and, with ``record``, the
        learner's progress file)."""
        self.attempts += 1
        from ..magics import keep_current
        try:
            value = self.read(answer)
            with keep_current():  # the check's scenario clusters must not take over %kubectl
                message = self.check_answer(value) or self.success_message()
            outcome = Outcome.CORRECT
        except NotAttempted as e:
            outcome, message = Outcome.INCOMPLETE, str(e)
        except Incorrect as e:
            outcome, message = Outcome.INCORRECT, str(e)
        except Exception as e:  # a malformed answer must not crash the notebook nor show internals
            self.last_exception = e  # kept for authors debugging a check; the learner sees a plain message
            what = self.answer_type.describe(self) if self.answer_type else "the kind of value the question asks for"
            outcome, message = Outcome.INCORRECT, _UNCHECKABLE.format(what=what)
        if self.outcome is not Outcome.CORRECT:
            self.outcome = outcome
        # A blank ____ is not an attempt: running an untouched notebook (a learner's Run All, or a
        # tool re-executing it) leaves the progress file alone.
        if record and outcome is not Outcome.INCOMPLETE:
            self._record("check", outcome=outcome.value)
        return Feedback(outcome, message)

    def check(self, answer) -> Feedback:
        """Check ``answer``; the returned Feedback displays as a coloured box."""
        return self.grade(answer)

    def success_message(self) -> str:
        return "well done."

    def hint(self, level: int = 1) -> Feedback:
        """Hint number ``level`` (1 is gentle; the last one nearly gives it away)."""
        n = len(self._hints)
        if not n:
            return Feedback(None, "no hint for this one — try the solution.", "Hint")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= n:
            which = "one hint: q.hint()" if n == 1 else f"{n} hints: q.hint(1) to q.hint({n})"
            return Feedback(None, f"there is no hint {level!r}; this question has {which}.", "Hint")
        if level < n:
            more = f" (hint {level} of {n}; q.hint({level + 1}) for more)"
        else:
            more = f" (the last of {n} hints)" if n > 1 else ""
        self._record("hint", level=level)
        return Feedback(None, self._hints[level - 1] + more, f"Hint {level}")

    def solution(self) -> Feedback:
        """The reference solution, with why it is right."""
        self._record("solution")
        return Feedback(None, self._solution, "Solution")

    def _record(self, event: str, **data) -> None:
        if self._where is None:
            return
        from . import progress
        progress.record(*self._where, event, **data)

    def assert_check_passed(self) -> None:
        """For solution cells and tests: the reference answer must pass."""
        from ..magics import keep_current
        with keep_current():  # a computed reference answer may build a scenario cluster
            answer = self._solution_answer
        fb = self.grade(answer, record=False)
        if fb.outcome is not Outcome.CORRECT:
            raise AssertionError(f"{type(self).__name__}: the reference answer does not pass: {fb.message}")

    def assert_check_failed(self, answer, words: str | list[str] = "") -> None:
        """For tests: ``answer`` must be *incorrect*, with ``words`` (each of them, for a list) in the
        feedback."""
        fb = self.grade(answer, record=False)
        if fb.outcome is not Outcome.INCORRECT or any(w not in fb.message for w in
                                                      ([words] if isinstance(words, str) else words)):
            raise AssertionError(f"{type(self).__name__}: {answer!r} should fail with {words!r}, got "
                                 f"{fb.outcome}: {fb.message}")


def _blank(answer) -> bool:
    if answer is ____ or answer is None:
        return True
    if isinstance(answer, str) and ("____" in answer or not answer.strip()):
        return True
    if isinstance(answer, (list, tuple, set, frozenset, dict)):
        values = answer.values() if isinstance(answer, dict) else answer
        return any(v is ____ or (isinstance(v, str) and "____" in v) for v in values)
    return False


class MultipleChoice(Problem):
    """A question with options; ``check("b")``; ``widget()`` gives radio buttons."""

    answer_type = Letter()
    options: list[str] = []
    correct: int = 0
    #: why each wrong option is wrong (index -> text)
    why_not: dict[int, str] = {}

    @property
    def wrong_answers(self) -> list:
        """Every wrong letter (with its why-not), and the shapes a learner tries by mistake."""
        right = LETTERS[self.correct]
        rows = [(LETTERS[i], self.why_not.get(i, f"not ({LETTERS[i]})."))
                for i in range(len(self.options)) if i != self.correct]
        return rows + [(self.correct, "in quotes"), (True, "is not one of the options"),
                       (f"{right}{LETTERS[len(self.options)]}", "is not one of the options"),
                       ("z", "is not one of the options")] + list(self.extra_wrong_answers)

    #: more near misses for one question, added to the generated ones
    extra_wrong_answers: list = []

    def check_answer(self, answer: int) -> None:
        if answer != self.correct:
            raise Incorrect(self.why_not.get(answer, f"not ({LETTERS[answer]})."))

    def choices_text(self) -> str:
        return "\n".join(f"({LETTERS[i]}) {o}" for i, o in enumerate(self.options))

    def widget(self):
        """Radio buttons, a Check button and the feedback, as an ipywidgets box."""
        import ipywidgets as w
        radio = w.RadioButtons(options=[(f"({LETTERS[i]}) {o}", LETTERS[i]) for i, o in enumerate(self.options)],
                               value=None, layout=w.Layout(width="auto"))
        button = w.Button(description="Check", button_style="primary")
        out = w.HTML()

        def on_click(_):
            if radio.value is None:
                fb = Feedback(Outcome.INCOMPLETE, "choose one of the options above, then press Check.")
            else:
                fb = self.check(radio.value)
            out.value = fb._repr_html_()
        button.on_click(on_click)
        return w.VBox([w.HTML(f"<b>{text_html(self.question)}</b>"), radio, button, out])


class Exercise:
    """The questions of one notebook, for the progress summary and the progress file."""

    def __init__(self, title: str, problems: dict[str, Problem], key: str | None = None):
        self.title, self.problems = title, problems
        #: the exercise's name in the progress file: its module's name (``ex01_pods_and_ips``)
        self.key = key or sys._getframe(1).f_globals.get("__name__", "exercise").rsplit(".", 1)[-1]
        for name, p in problems.items():
            p._where = (self.key, name)

    def progress(self) -> Feedback:
        """A one-line-per-question summary of where the learner stands (this session and before)."""
        from . import progress
        saved = progress.load().get("exercises", {}).get(self.key, {})
        lines, done = [], 0
        for name, p in self.problems.items():
            ok = p.outcome is Outcome.CORRECT or bool(saved.get(name, {}).get("correct"))
            state = "correct" if ok else (p.outcome.value if p.outcome else progress.status(saved.get(name)))
            done += ok
            lines.append(f"{name}: {state}")
        total = len(self.problems)
        outcome = Outcome.CORRECT if done == total else None
        return Feedback(outcome, f"{done} of {total} correct\n" + "\n".join(lines), f"{self.title} progress")
