"""Self-grading exercises: questions checked by running the learner's answer in the simulator.

``core`` holds the framework (``Problem``, the ``____`` placeholder, outcomes, hints and
solutions), ``answers`` the answer types a question declares, ``progress`` the learner's
progress file; one module per exercise notebook (``ex02_services_selectors_endpoints`` ...)
declares its questions as small classes bound as ``q1 .. qN``.
"""
from .answers import WrongType
from .core import ____, Incorrect, NotAttempted, Problem, Feedback, Exercise, MultipleChoice, Outcome

__all__ = ["____", "Incorrect", "NotAttempted", "WrongType", "Problem", "Feedback", "Exercise", "MultipleChoice",
           "Outcome", "show_progress"]


def show_progress():
    """The progress widget: per exercise, questions done / tried / not started and hints used,
    with export (JSON, CSV) and reset.  Works from any exercise notebook."""
    from ..widgets.progress import ProgressView
    return ProgressView().widget()
