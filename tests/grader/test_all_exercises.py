"""What every exercise module promises, checked once for all of them (learntools practice):

* each question's reference answer passes its own check (the solution cells rely on it);
* the blank ``____`` is *incomplete*, never incorrect and never a crash;
* each question has hints (levels) and a solution, and is listed in the module's ``exercise``;
* checking never takes over the learner's ``%kubectl`` cluster.

Per-module files (test_exNN_*.py) hold what differs: the wrong and malformed answers, each
with the feedback it must get.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import k8snet.grader as grader
from k8snet.grader import Outcome, ____

MODULES = sorted(m.name for m in pkgutil.iter_modules(grader.__path__) if m.name.startswith("ex"))
QUESTIONS = [(mod, name) for mod in MODULES
             for name in importlib.import_module(f"k8snet.grader.{mod}").exercise.problems]


def _q(mod, name):
    return importlib.import_module(f"k8snet.grader.{mod}").exercise.problems[name]


def test_there_are_at_least_60_questions():
    assert len(QUESTIONS) >= 60


@pytest.mark.parametrize("mod,name", QUESTIONS, ids=[f"{m}.{n}" for m, n in QUESTIONS])
def test_reference_answer_passes(mod, name):
    _q(mod, name).assert_check_passed()


@pytest.mark.parametrize("mod,name", QUESTIONS, ids=[f"{m}.{n}" for m, n in QUESTIONS])
def test_blank_is_incomplete(mod, name):
    assert _q(mod, name).grade(____).outcome is Outcome.INCOMPLETE


@pytest.mark.parametrize("mod,name", QUESTIONS, ids=[f"{m}.{n}" for m, n in QUESTIONS])
def test_hints_solution_and_binding(mod, name):
    module = importlib.import_module(f"k8snet.grader.{mod}")
    q = _q(mod, name)
    assert getattr(module, name) is q
    assert q._hints and q.hint(1).message and q.solution().message and q.question


def test_checks_do_not_take_over_the_magics():
    from k8snet import Cluster, magics
    mine = Cluster(seed=99)
    mod, name = QUESTIONS[0]
    _q(mod, name).assert_check_passed()
    assert magics.current() is mine
