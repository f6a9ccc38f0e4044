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
* ``check_answer`` raises Incorrect -> *incorrect*, with the learner-facing message
* anything else it raises          -> *incorrect*, with what went wrong — never a traceback
* it returns                       -> *correct*

Checks must compute the expected result by running the simulator, not compare with a
stored string.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from enum import Enum

__all__ = ["____", "Placeholder", "Incorrect", "NotAttempted", "Outcome", "Feedback", "Problem",
           "MultipleChoice", "Exercise"]


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


class Incorrect(Exception):
    """The answer is wrong; the message tells the learner what happened and what to look at."""


class NotAttempted(Exception):
    """The placeholder ``____`` is still there."""


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
        body = html.escape(self.message).replace("\n", "<br>")
        return (f'<div style="border-left:4px solid {fg};background:{bg};color:#111;padding:6px 10px;'
                f'font-family:sans-serif"><b style="color:{fg}">{html.escape(head)}</b>: '
                f'<span style="white-space:pre-wrap">{body}</span></div>')


class Problem:
    """One question.  Subclasses set ``_hints``, ``_solution`` and ``check_answer``."""

    _hints: list[str] = []
    _solution: str = ""
    #: the reference answer, as a learner would write it (tests check that it passes)
    _solution_answer = None

    def __init__(self) -> None:
        self.outcome: Outcome | None = None
        self.attempts = 0

    @property
    def question(self) -> str:
        return (type(self).__doc__ or "").strip()

    def check_answer(self, answer) -> None:  # pragma: no cover - every question overrides it
        raise NotImplementedError

    def grade(self, answer) -> Feedback:
        """Run the check and keep the outcome (for the progress summary)."""
        self.attempts += 1
        from ..magics import keep_current
        try:
            if _blank(answer):
                raise NotAttempted("replace ____ with your answer, then run this cell again")
            with keep_current():  # the check's scenario clusters must not take over %kubectl
                message = self.check_answer(answer) or self.success_message()
            outcome = Outcome.CORRECT
        except NotAttempted as e:
            outcome, message = Outcome.INCOMPLETE, str(e)
        except Incorrect as e:
            outcome, message = Outcome.INCORRECT, str(e)
        except Exception as e:  # a malformed answer must not crash the notebook
            outcome, message = Outcome.INCORRECT, f"your answer could not be checked: {e}"
        if self.outcome is not Outcome.CORRECT:
            self.outcome = outcome
        return Feedback(outcome, message)

    def check(self, answer) -> Feedback:
        """Check ``answer``; the returned Feedback displays as a coloured box."""
        return self.grade(answer)

    def success_message(self) -> str:
        return "well done."

    def hint(self, level: int = 1) -> Feedback:
        """Hint number ``level`` (1 is gentle; the last one nearly gives it away)."""
        if not self._hints:
            return Feedback(None, "no hint for this one — try the solution.", "Hint")
        level = max(1, min(level, len(self._hints)))
        more = f" (hint {level} of {len(self._hints)}; q.hint({level + 1}) for more)" if level < len(self._hints) else ""
        return Feedback(None, self._hints[level - 1] + more, f"Hint {level}")

    def solution(self) -> Feedback:
        """The reference solution, with why it is right."""
        return Feedback(None, self._solution, "Solution")

    def assert_check_passed(self) -> None:
        """For solution cells and tests: the reference answer must pass."""
        from ..magics import keep_current
        with keep_current():  # a computed reference answer may build a scenario cluster
            answer = self._solution_answer
        fb = self.grade(answer)
        if fb.outcome is not Outcome.CORRECT:
            raise AssertionError(f"{type(self).__name__}: the reference answer does not pass: {fb.message}")


def _blank(answer) -> bool:
    if answer is ____ or answer is None:
        return True
    if isinstance(answer, str) and ("____" in answer or not answer.strip()):
        return True
    if isinstance(answer, (list, tuple, set, dict)):
        values = answer.values() if isinstance(answer, dict) else answer
        return any(v is ____ for v in values) or len(answer) == 0
    return False


class MultipleChoice(Problem):
    """A question with options; ``check("b")`` or ``check(1)``; ``widget()`` gives radio buttons."""

    options: list[str] = []
    correct: int = 0
    #: why each wrong option is wrong (index -> text)
    why_not: dict[int, str] = {}

    def _index(self, answer) -> int:
        if isinstance(answer, int) and 0 <= answer < len(self.options):
            return answer
        if isinstance(answer, str):
            a = answer.strip().lower().rstrip(")").rstrip(".")
            letters = "abcdefghij"[:len(self.options)]
            if len(a) == 1 and a in letters:
                return letters.index(a)
            for i, opt in enumerate(self.options):
                if a == opt.strip().lower():
                    return i
        raise Incorrect(f"{answer!r} is not one of the options: answer with a letter "
                        f"({', '.join('abcdefghij'[:len(self.options)])})")

    def check_answer(self, answer) -> None:
        i = self._index(answer)
        if i != self.correct:
            raise Incorrect(self.why_not.get(i, f"not ({'abcdefghij'[i]})."))

    def choices_text(self) -> str:
        return "\n".join(f"({'abcdefghij'[i]}) {o}" for i, o in enumerate(self.options))

    def widget(self):
        """Radio buttons, a Check button and the feedback, as an ipywidgets box."""
        import ipywidgets as w
        radio = w.RadioButtons(options=[(f"({'abcdefghij'[i]}) {o}", i) for i, o in enumerate(self.options)],
                               value=None, layout=w.Layout(width="auto"))
        button = w.Button(description="Check", button_style="primary")
        out = w.HTML()

        def on_click(_):
            fb = self.check(____ if radio.value is None else radio.value)
            out.value = fb._repr_html_()
        button.on_click(on_click)
        return w.VBox([w.HTML(f"<b>{html.escape(self.question)}</b>"), radio, button, out])


class Exercise:
    """The questions of one notebook, for the progress summary."""

    def __init__(self, title: str, problems: dict[str, Problem]):
        self.title, self.problems = title, problems

    def progress(self) -> Feedback:
        """A one-line-per-question summary of where the learner stands."""
        lines, done = [], 0
        for name, p in self.problems.items():
            state = p.outcome.value if p.outcome else "not checked yet"
            done += p.outcome is Outcome.CORRECT
            lines.append(f"{name}: {state}")
        total = len(self.problems)
        outcome = Outcome.CORRECT if done == total else None
        return Feedback(outcome, f"{done} of {total} correct\n" + "\n".join(lines), f"{self.title} progress")
