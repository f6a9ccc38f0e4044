"""The grading framework's promises to the learner (core.py, answers.py): strict answer types with
specific messages, hints that say how many exist, HTML without raw backticks, question text that
renders as prose, widgets that say what to do when nothing is chosen."""
from __future__ import annotations

import pytest

from k8snet.grader import Outcome, ____, ex01_pods_and_ips as ex01, ex02_services_selectors_endpoints as ex02
from k8snet.grader import ex06_dns as ex06, ex09_networkpolicy as ex09, ex11_troubleshooting as ex11
from k8snet.grader.answers import Integer, Letter, Manifest, NameSet, OneOf, WrongType
from k8snet.grader.core import Feedback, text_html

MC = ex01.q4  # options a-d, correct b


@pytest.mark.parametrize("answer,words", [
    (True, "the bool True is not one of the options: answer with one of the letters a–d"),
    (1, "the number 1 is not one of the options"), (2, "in quotes"), ("e", "is not one of the options"),
    ("ab", "is not one of the options"), ([1], "a list is not one of the options"),
], ids=["bool", "int index", "int", "letter past the last", "two letters", "list"])
def test_multiple_choice_takes_only_letters(answer, words):
    fb = MC.grade(answer)
    assert fb.outcome is Outcome.INCORRECT and words in fb.message


@pytest.mark.parametrize("answer", ["b", "B", " (b) ", "b)", "b.", MC.options[1]])
def test_multiple_choice_letter_forms(answer):
    assert MC.grade(answer).outcome is Outcome.CORRECT


@pytest.mark.parametrize("typ,answer,words", [
    (Integer(), "80", "without quotes: answer = 80"), (Integer(), 80.0, "whole number: answer = 80"),
    (Integer(), True, "the bool True is not a whole number"),
    (OneOf("connection refused"), "refused", "the exact words"),
    (NameSet(), "web", "give a set, even for one name"),
    (Manifest(), {"spec": {}}, "is not a manifest"), (Manifest(), "kind: 42\n", "apiVersion not set, kind not set"),
], ids=["int as string", "float", "bool", "phrase", "lone name", "dict without kind", "kind not a string"])
def test_answer_types_say_what_to_write(typ, answer, words):
    with pytest.raises(WrongType, match=None) as e:
        typ.read(answer, MC)
    assert words in str(e.value)


def test_one_leniency_rule_for_curls_words():
    # ex02 q3 and ex05 q7 both take curl's words: case and spaces ignored, the words are not
    from k8snet.grader import ex05_kube_proxy as ex05
    for q in (ex02.q3, ex05.q7):
        assert "not one of the phrases" in q.grade("timeout").message
        assert "not one of the phrases" in q.grade("refused").message
    assert ex02.q3.grade("  Connection  Refused. ").outcome is Outcome.CORRECT


def test_hint_past_the_last_says_how_many():
    n = len(ex01.q1._hints)
    fb = ex01.q1.hint(n + 1)
    assert f"there is no hint {n + 1}" in fb.message and f"q.hint(1) to q.hint({n})" in fb.message
    assert "the last of" in ex01.q1.hint(n).message
    assert "there is no hint 0" in ex01.q1.hint(0).message


def test_html_renders_code_spans_not_backticks():
    html = Feedback(Outcome.INCORRECT, "run `kubectl get pods` <now>")._repr_html_()
    assert "`" not in html and "<code>kubectl get pods</code>" in html and "&lt;now&gt;" in html
    assert text_html("a `b` c") == "a <code>b</code> c"


ALL = [(f"{m.__name__.rsplit('.', 1)[1]}.{n}", q) for m in (ex01, ex02, ex06, ex09, ex11)
       for n, q in m.exercise.problems.items()]


@pytest.mark.parametrize("q", [q for _, q in ALL], ids=[i for i, _ in ALL])
def test_question_text_has_no_code_block_indentation(q):
    # Markdown turns an indented line into a code block only after a blank line; a docstring's
    # indentation carried into the notebook made prose render as code (cleandoc removes it).
    lines = q.question.splitlines()
    for prev, line in zip([""] + lines, lines):
        if line.startswith("    ") and prev and not prev.startswith("    "):
            raise AssertionError(f"indented line continues a paragraph: {line!r}")
    assert not lines[0].startswith(" ")


def test_widget_with_nothing_chosen_says_choose():
    box = ex09.q1.widget()
    radio, button, out = box.children[1], box.children[2], box.children[3]
    button.click()
    assert "choose one of the options" in out.value and "____" not in out.value
    radio.value = "abcd"[ex09.q1.correct]
    button.click()
    assert "Correct" in out.value
    assert "`" not in box.children[0].value


def test_ex01_q1_solution_defines_what_it_uses():
    text = ex01.q1.solution().message
    assert "Cluster(" in text and text.index("Cluster(") < text.index('c.get("pod", "a")')


def test_unexpected_failure_is_plain(monkeypatch):
    def boom(answer):
        raise KeyError("internal")
    monkeypatch.setattr(ex01.q2, "check_answer", boom)
    fb = ex01.q2.grade("10.244.2.0/24")
    assert fb.outcome is Outcome.INCORRECT and "internal" not in fb.message and "answer with a CIDR" in fb.message


@pytest.mark.parametrize("line", ["kubectl get node node-2 -o jsonpath={.spec.podCIDR}",
                                  "$ kubectl get node node-2 -o jsonpath={.spec.podCIDR}",
                                  "%kubectl get node node-2 -o jsonpath={.spec.podCIDR}",
                                  "  kubectl  get node node-2 -o jsonpath={.spec.podCIDR}\n"])
def test_command_prompt_forms(line):
    assert ex01.q3.grade(line).outcome is Outcome.CORRECT


def test_blank_forms_are_incomplete():
    for blank in (____, None, "  ", "app: ____", [____], {"a": ____}):
        assert ex01.q3.grade(blank).outcome is Outcome.INCOMPLETE
