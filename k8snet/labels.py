"""Labels and selectors, as apimachinery's ``labels`` package defines them.

Three forms meet in a cluster:

* a Service's ``spec.selector`` and a ReplicaSet's ``matchLabels``: equality only;
* a ``LabelSelector`` (``matchLabels`` + ``matchExpressions`` with ``In``, ``NotIn``,
  ``Exists``, ``DoesNotExist``), used by Deployments, NetworkPolicies, Gateways;
* kubectl's ``-l`` text: ``app=web,tier!=db,env in (prod,qa),!canary``.

Rules worth knowing (metav1.LabelSelectorAsSelector): an *empty* LabelSelector ``{}``
matches everything; a *missing* (None) one matches nothing.  For a Service, an empty or
missing selector means "no selector": the EndpointSlice controller leaves it alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from .errors import UsageError

__all__ = ["Requirement", "Selector", "parse", "from_label_selector", "from_map",
           "matches", "selector_text"]

_OPS = ("in", "notin", "=", "==", "!=", "exists", "!", "gt", "lt")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One clause: ``key op values`` (op is ``=``, ``!=``, ``in``, ``notin``, ``exists``, ``!``,
    ``gt``, ``lt``)."""

    key: str
    op: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        has = self.key in labels
        if self.op in ("=", "==", "in"):
            return has and labels[self.key] in self.values
        if self.op in ("!=", "notin"):
            # apimachinery: NotIn and != also match objects without the key.
            return not has or labels[self.key] not in self.values
        if self.op == "exists":
            return has
        if self.op == "!":
            return not has
        if self.op in ("gt", "lt"):
            # selector.go Requirement.Matches: a value that is not an integer never matches.
            try:
                n = int(labels[self.key]) if has else None
            except ValueError:
                return False
            if n is None:
                return False
            return n > int(self.values[0]) if self.op == "gt" else n < int(self.values[0])
        raise ValueError(self.op)

    def __str__(self) -> str:
        if self.op == "exists":
            return self.key
        if self.op == "!":
            return "!" + self.key
        if self.op in ("in", "notin"):
            return f"{self.key} {self.op} ({','.join(self.values)})"
        if self.op in ("gt", "lt"):
            return f"{self.key}{'>' if self.op == 'gt' else '<'}{self.values[0]}"
        return f"{self.key}{self.op}{self.values[0]}"


@dataclass(frozen=True, slots=True)
class Selector:
    """Requirements ANDed together; ``nothing=True`` is the selector that matches no object."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        """True for the selector that matches everything."""
        return not self.nothing and not self.requirements

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def from_map(selector: Mapping[str, str] | None) -> Selector:
    """An equality selector from a map (a Service's ``spec.selector``); sorted by key."""
    return Selector(tuple(Requirement(k, "=", (str(v),)) for k, v in sorted((selector or {}).items())))


_EXPR_OPS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


def from_label_selector(selector: Mapping | None) -> Selector:
    """A metav1.LabelSelector: None matches nothing, ``{}`` matches everything."""
    if selector is None:
        return Selector(nothing=True)
    reqs = [Requirement(k, "=", (str(v),)) for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op = _EXPR_OPS.get(expr.get("operator"))
        if op is None:
            raise UsageError(f"{expr.get('operator')!r} is not a valid label selector operator")
        reqs.append(Requirement(expr["key"], op, tuple(str(v) for v in expr.get("values") or ())))
    return Selector(tuple(reqs))


def matches(selector: Mapping | None, labels: Mapping[str, str] | None) -> bool:
    """Does a metav1.LabelSelector dict select an object with these labels?"""
    return from_label_selector(selector).matches(labels)


_TOKEN = re.compile(r"\s*(\(|\)|,|!=|==|=|!|>|<|[A-Za-z0-9_./-]+)")


def parse(text: str) -> Selector:
    """kubectl's ``-l`` syntax: ``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``,
    ``a`` (exists), ``!a`` (does not exist), joined by commas.  Raises UsageError when
    malformed, with kubectl's wording."""
    tokens, pos, text = [], 0, text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or not m.group(1):
            raise UsageError(f"unable to parse requirement: found '{text[pos:]}', expected: identifier")
        tokens.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos] == " ":
            pos += 1
    reqs: list[Requirement] = []
    i = 0

    def need(cond: bool, found: str, expected: str):
        if not cond:
            raise UsageError(f"unable to parse requirement: found '{found}', expected: {expected}")

    while i < len(tokens):
        if tokens[i] == "!":
            need(i + 1 < len(tokens), "", "identifier after '!'")
            reqs.append(Requirement(tokens[i + 1], "!"))
            i += 2
        else:
            key = tokens[i]
            need(key not in ("(", ")", ",", "=", "==", "!="), key, "identifier")
            op = tokens[i + 1] if i + 1 < len(tokens) else ","
            if op == ",":
                reqs.append(Requirement(key, "exists"))
                i += 1
            elif op in ("=", "==", "!="):
                need(i + 2 < len(tokens), "", "identifier")
                reqs.append(Requirement(key, "!=" if op == "!=" else "=", (tokens[i + 2],)))
                i += 3
            elif op in (">", "<"):
                need(i + 2 < len(tokens), "", "identifier")
                if not re.fullmatch(r"-?[0-9]+", tokens[i + 2]):
                    raise UsageError("unable to parse requirement: for 'gt', 'lt' operators, "
                                     "the value must be an integer")
                reqs.append(Requirement(key, "gt" if op == ">" else "lt", (tokens[i + 2],)))
                i += 3
            elif op in ("in", "notin"):
                need(i + 2 < len(tokens) and tokens[i + 2] == "(", tokens[i + 2] if i + 2 < len(tokens) else "", "'('")
                # selector.go parseIdentifiersList: values are comma-separated, and an empty
                # slot is the empty value: "()" is {""}, "(a,)" is {"a", ""}.
                j, values, want_value = i + 3, [], True
                while j < len(tokens) and tokens[j] != ")":
                    if tokens[j] == ",":
                        if want_value:
                            values.append("")
                        want_value = True
                    else:
                        need(want_value, tokens[j], "',' or ')'")
                        values.append(tokens[j])
                        want_value = False
                    j += 1
                need(j < len(tokens), "", "')'")
                if want_value:
                    values.append("")
                reqs.append(Requirement(key, op, tuple(values)))
                i = j + 1
            else:
                raise UsageError(f"unable to parse requirement: found '{op}', expected: in, notin, =, ==, !=, gt, lt")
        if i < len(tokens):
            need(tokens[i] == ",", tokens[i], "','")
            i += 1
            need(i < len(tokens), "", "identifier after ','")
    return Selector(tuple(reqs))


def selector_text(selector: Mapping[str, str] | None) -> str:
    """``app=web,tier=front`` as kubectl prints a Service selector (sorted by key)."""
    return ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items()))
