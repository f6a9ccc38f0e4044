"""Property test over every question: random wrong values of every type — None, ints, bools,
floats, strings, lists, dicts, broken YAML, objects of the wrong kind, and valid YAML of another
question's design — never produce "Correct", never a traceback and never an internal message.
Bounded (a fixed number of examples, derandomized) so it runs in seconds."""
from __future__ import annotations

import functools
import importlib
import pkgutil

import pytest

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import k8snet.grader as grader
from k8snet.grader import Outcome

from .test_wrong_answers import INTERNAL

MODULES = sorted(m.name for m in pkgutil.iter_modules(grader.__path__) if m.name.startswith("ex"))
QUESTIONS = [q for mod in MODULES for q in importlib.import_module(f"k8snet.grader.{mod}").exercise.problems.values()]


@functools.cache
def _solution(i: int):
    return QUESTIONS[i]._solution_answer


@functools.cache
def _designs() -> tuple[str, ...]:
    """Valid YAML answers of every build question: a wrong design for every other question."""
    return tuple(a for i in range(len(QUESTIONS)) if isinstance(a := _solution(i), str) and "apiVersion" in a)


class Thing:
    """An object of a kind no question takes."""


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=30), st.builds(Thing))
broken_yaml = st.sampled_from(["apiVersion: v1\nkind: Service\nmetadata: {name: web\n", "kind: [\n", ": :\n- a\nb: c",
                               "apiVersion: v1\nkind: Pod\n\tmetadata: x\n", "---\n- 1\n- 2\n", "{}", "kind: 42\n",
                               "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: x}]}\n"])
values = st.one_of(scalars, broken_yaml,
                   st.lists(scalars, max_size=5), st.sets(st.text(max_size=12), max_size=4),
                   st.dictionaries(st.text(max_size=12), scalars, max_size=4),
                   st.builds(lambda i: _designs()[i % len(_designs())], st.integers(0, 10**4)))


def _could_be_right(i: int, value) -> bool:
    """A random value that happens to be this question's answer (a letter, a number near it)."""
    right = _solution(i)
    if value == right:
        return True
    q = QUESTIONS[i]
    if isinstance(value, str):
        v = value.strip().lower().strip("().")
        if isinstance(right, str) and v == right.strip().lower():
            return True
        options = getattr(q, "options", [])
        if options and (v == "abcdefghij"[q.correct] or v == options[q.correct].strip().lower()):
            return True
    if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(right, (int, float)):
        return abs(value - right) <= 10
    return False


#: every shape a learner might type by mistake, tried on every question (the random test below
#: adds many more, drawn across all questions)
BATTERY = [None, True, False, 0, -1, 10**9, 1.5, float("nan"), "", "x", "a) b", "____x", [], [None], {}, {"a": 1},
           set(), (1, 2), Thing(), b"bytes", "kind: [\n", "apiVersion: v1\nkind: Pod\n", ["kind: Service"]]


@pytest.mark.parametrize("i", range(len(QUESTIONS)), ids=[f"{q._where[0]}.{q._where[1]}" for q in QUESTIONS])
def test_every_question_survives_the_battery(i):
    for value in BATTERY:
        if _could_be_right(i, value):
            continue
        fb = QUESTIONS[i].grade(value)
        assert fb.outcome is not Outcome.CORRECT, value
        assert not any(w in fb.message for w in INTERNAL), (value, fb.message)


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(i=st.integers(0, len(QUESTIONS) - 1), value=values)
def test_random_wrong_values_are_never_correct_nor_internal(i, value):
    assume(not _could_be_right(i, value))
    fb = QUESTIONS[i].grade(value)
    assert fb.outcome is not Outcome.CORRECT, (type(QUESTIONS[i]).__name__, value)
    assert not any(w in fb.message for w in INTERNAL), (type(QUESTIONS[i]).__name__, value, fb.message)


#: (value, rule): integers no Kubernetes field holds (Go int64 at most); Python itself refuses
#: str() of an int over 4300 digits and float() of one over ~1e308, so a check that prints or
#: compares them naively breaks.
HUGE = [(10**30, "beyond int64: no port, count or duration is that large"),
        (-(10**5000), "over Python's 4300-digit str() limit"),
        ([0.5, 10**5000], "inside a list of numbers: math.isfinite() overflows on it"),
        ({"web": 2**63}, "a dict value just past int64")]


@pytest.mark.parametrize("value, rule", HUGE, ids=[r for _, r in HUGE])
def test_huge_integers_get_a_specific_message(value, rule):
    from k8snet.grader.answers import Integer, Number, Numbers
    for q in QUESTIONS:
        fb = q.grade(value, record=False)
        assert fb.outcome is Outcome.INCORRECT, (type(q).__name__, rule)
        assert "could not be checked" not in fb.message, (type(q).__name__, rule, fb.message)
        takes_it = (isinstance(q.answer_type, (Integer, Number)) and isinstance(value, int)
                    or isinstance(q.answer_type, Numbers) and isinstance(value, list))
        if takes_it:
            assert "larger than any integer Kubernetes stores" in fb.message, (type(q).__name__, rule, fb.message)
