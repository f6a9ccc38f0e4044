"""Self-grading exercises: questions checked by running the learner's answer in the simulator.

``core`` holds the framework (``Problem``, the ``____`` placeholder, outcomes, hints and
solutions, progress); one module per exercise notebook (``ex02_services`` ...) declares its
questions as small classes bound as ``q1 .. qN``.
"""
from .core import ____, Incorrect, NotAttempted, Problem, Feedback, Exercise, MultipleChoice, Outcome

__all__ = ["____", "Incorrect", "NotAttempted", "Problem", "Feedback", "Exercise", "MultipleChoice", "Outcome"]
