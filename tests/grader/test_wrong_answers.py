"""Every question's own near misses must fail, each with the feedback it promises (learntools'
``assert_check_failed``, made systematic): the rows live on the questions
(``Problem.wrong_answers``; multiple-choice questions add every wrong letter with its why-not,
and the shapes a learner types by mistake: the right option as a number, a bool, two letters).
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import k8snet.grader as grader
from k8snet.grader import MultipleChoice, Outcome
from k8snet.grader.answers import AnswerType

MODULES = sorted(m.name for m in pkgutil.iter_modules(grader.__path__) if m.name.startswith("ex"))
QUESTIONS = [(mod, name, q) for mod in MODULES
             for name, q in importlib.import_module(f"k8snet.grader.{mod}").exercise.problems.items()]
ROWS = [(f"{mod}.{name}[{i}]", q, answer, words)
        for mod, name, q in QUESTIONS for i, (answer, words) in enumerate(q.wrong_answers)]

#: what a learner must never read in feedback: Python internals
INTERNAL = ("Traceback", "positional argument", "object has no attribute", "NoneType", "unhashable",
            "not subscriptable", "not iterable", "KeyError", "IndexError", "TypeError", "AttributeError",
            "ValueError", "StopIteration", "could not be checked")


@pytest.mark.parametrize("mod,name,q", QUESTIONS, ids=[f"{m}.{n}" for m, n, _ in QUESTIONS])
def test_every_question_declares_its_answer_type_and_near_misses(mod, name, q):
    assert isinstance(q.answer_type, AnswerType), (
        f"{mod}.{name} declares no answer_type: set one of k8snet.grader.answers (Letter, Integer, Manifest, ...)")
    least = 5 if isinstance(q, MultipleChoice) else 3
    assert len(q.wrong_answers) >= least, (
        f"{mod}.{name} lists {len(q.wrong_answers)} wrong answers: give at least {least} near misses a learner "
        "would try, each as (answer, words its feedback must contain), in Problem.wrong_answers")


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_wrong_answer_fails_with_its_feedback(q, answer, words):
    fb = q.grade(answer)
    assert fb.outcome is Outcome.INCORRECT, f"{answer!r} was {fb.outcome}: {fb.message}"
    assert words in fb.message, fb.message
    assert not any(w in fb.message for w in INTERNAL), fb.message


def test_the_suite_is_big_enough():
    assert len(QUESTIONS) >= 60 and len(ROWS) >= 4 * len(QUESTIONS)
