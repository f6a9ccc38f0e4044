"""The vocabulary of the flag table (surface.py): how the simulator treats one flag
(:class:`Support`), and the notes several commands share (a Go template, managedFields,
kustomize, the field manager ...)."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Support", "yes", "no", "TEMPLATE", "KEYS", "MANAGED", "KUSTOMIZE", "RECURSIVE", "FIELD_MANAGER",
           "VALIDATE", "SAVE_CONFIG", "OUTPUT_CHANGE", "TIMEOUT", "FILENAME", "SELECTOR_NA", "ALL_NA", "DRY_RUN",
           "CHUNK"]


@dataclass(frozen=True, slots=True)
class Support:
    """One flag: ``implemented`` (what the simulator does with it) or refused (``note``: what it
    does on a real cluster), and the values accepted although it is refused (``accepts``)."""

    implemented: bool
    note: str
    accepts: tuple = ()


def yes(note: str) -> Support:
    """An implemented flag: ``note`` says what the simulator does with it."""
    return Support(True, note)


def no(note: str, *accepts) -> Support:
    """A refused flag: ``note`` says what it does on a real cluster; ``accepts`` are the values that
    leave kubectl's behaviour as it is without the flag."""
    return Support(False, note, accepts)


#: Notes several commands share.
TEMPLATE = no("the Go template for -o go-template/template (not simulated)", "")
KEYS = no("=false makes -o jsonpath/go-template fail on a missing key (the simulator's JSONPath always allows "
          "them)", True)
MANAGED = no("prints metadata.managedFields (the simulated API server keeps none)", False)
KUSTOMIZE = no("builds objects from a kustomization directory (kustomize is not simulated)", "")
RECURSIVE = no("walks -f directories recursively", False)
FIELD_MANAGER = no("names the field manager in managedFields (the simulated API server keeps none)", "",
                   "kubectl-client-side-apply", "kubectl-create", "kubectl-run", "kubectl-expose", "kubectl-label",
                   "kubectl-rollout", "kubectl-taint", "kubectl-edit")
VALIDATE = no("=ignore/warn/false leave unknown fields to the server's leniency; the simulator validates "
              "strictly, as the default does", "strict", "true")
SAVE_CONFIG = no("stores the kubectl.kubernetes.io/last-applied-configuration annotation", False)
OUTPUT_CHANGE = no("prints the changed object (-o yaml|json|name) instead of the one-line result", "")
TIMEOUT = no("bounds how long kubectl waits on a real cluster (the simulated clock runs until done)", "0s")
FILENAME = no("takes the objects from files (not simulated for this command)", ())
SELECTOR_NA = no("picks objects by label (not simulated for this command)", "")
ALL_NA = no("selects every object of the type (not simulated for this command)", False)
DRY_RUN = yes("--dry-run=client for create, run, expose (the object kubectl would send), client and server "
              "for delete (nothing deleted); server and any other command are refused (see "
              "commands._check_dry_run)")
CHUNK = yes("checked as an int64; pages of a list print the same as one list")
