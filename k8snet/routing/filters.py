"""HTTPRoute filters: header modifiers, RequestRedirect, URLRewrite and RequestMirror's draw.

httproute_types.go HTTPHeaderFilter: header names are case-insensitive; ``set``
overwrites, ``add`` appends to an existing value (the backend sees ``a,b``, as the
conformance test httproute-request-header-modifier expects), ``remove`` deletes.
HTTPRequestRedirectFilter: scheme/hostname/path/port/statusCode (default 302); the port
is the filter's, else the scheme's well-known port when a scheme is set, else the
listener's; ``:80`` for http and ``:443`` for https are left out of ``Location``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .paths import replace_prefix

__all__ = ["HeaderModifier", "redirect", "rewrite", "mirror_drawn"]

_WELL_KNOWN = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class HeaderModifier:
    """RequestHeaderModifier / ResponseHeaderModifier: ``set``, ``add`` (name, value) pairs
    and ``remove`` names."""

    set: tuple[tuple[str, str], ...] = ()
    add: tuple[tuple[str, str], ...] = ()
    remove: tuple[str, ...] = ()

    @classmethod
    def from_filter(cls, spec: dict | None) -> "HeaderModifier":
        """From a filter's ``requestHeaderModifier``/``responseHeaderModifier`` dict."""
        spec = spec or {}
        return cls(tuple((h["name"], h["value"]) for h in spec.get("set") or []),
                   tuple((h["name"], h["value"]) for h in spec.get("add") or []),
                   tuple(spec.get("remove") or []))

    def apply(self, headers: dict[str, str]) -> dict[str, str]:
        """A new header dict with the modification applied (names matched case-insensitively)."""
        out = dict(headers)

        def _find(name: str) -> str | None:
            return next((k for k in out if k.lower() == name.lower()), None)

        for name, value in self.set:
            old = _find(name)
            if old is not None:
                del out[old]
            out[name] = value
        for name, value in self.add:
            old = _find(name)
            if old is None:
                out[name] = value
            else:
                out[old] = f"{out[old]},{value}"
        for name in self.remove:
            old = _find(name)
            if old is not None:
                del out[old]
        return out


def _new_path(modifier: dict | None, path: str, matched_prefix: str | None) -> str:
    if not modifier:
        return path
    if modifier.get("type") == "ReplaceFullPath":
        return modifier.get("replaceFullPath") or "/"
    return replace_prefix(path, matched_prefix or "/", modifier.get("replacePrefixMatch") or "")


def redirect(spec: dict, *, scheme: str, host: str, listener_port: int, path: str, query: str,
             matched_prefix: str | None) -> tuple[int, str]:
    """(status code, Location) for a RequestRedirect filter."""
    new_scheme = spec.get("scheme") or scheme
    if spec.get("port") is not None:
        port = spec["port"]
    elif spec.get("scheme"):
        port = _WELL_KNOWN.get(new_scheme, listener_port)
    else:
        port = listener_port
    hostname = spec.get("hostname") or host
    shown = "" if _WELL_KNOWN.get(new_scheme) == port else f":{port}"
    location = f"{new_scheme}://{hostname}{shown}{_new_path(spec.get('path'), path, matched_prefix)}"
    if query:
        location += f"?{query}"
    return spec.get("statusCode") or 302, location


def rewrite(spec: dict, *, host: str, path: str, matched_prefix: str | None) -> tuple[str, str]:
    """(host, path) the backend receives after a URLRewrite filter."""
    return spec.get("hostname") or host, _new_path(spec.get("path"), path, matched_prefix)


def mirror_drawn(spec: dict, rng) -> bool:
    """Does this request get mirrored? HTTPRequestMirrorFilter: every request by default,
    ``percent`` of them, or ``fraction.numerator/denominator`` (denominator 100 by default);
    conformance httproute-request-percentage-mirror."""
    if "percent" in spec:
        share = spec["percent"] / 100
    elif "fraction" in spec:
        f = spec["fraction"]
        share = f.get("numerator", 0) / (f.get("denominator") or 100)
    else:
        return True
    return share >= 1 or (share > 0 and rng.random() < share)
