"""Generated names, as apimachinery makes them.

``utilrand.String(5)`` suffixes (pods of a ReplicaSet, EndpointSlices) draw from the alphabet
below, which has no vowels (no accidental words) and no look-alike characters; the pod
template hash is ``rand.SafeEncodeString`` of a 32-bit FNV-1a hash of the template
(pkg/controller/controller_utils.go ``ComputeHash``).  Upstream hashes Go's printed struct;
we hash the template's canonical JSON, so the value differs from a real cluster's but has the
same form, and the same template always gives the same hash.
"""
from __future__ import annotations

import functools
import json
import random

__all__ = ["ALPHANUMS", "random_suffix", "safe_encode", "template_hash", "generate_name", "side_stream"]

ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
MAX_GENERATED_NAME_LENGTH = 58  # names.MaxGeneratedNameLength: 63 - 5


def random_suffix(rng: random.Random, n: int = 5) -> str:
    """utilrand.String(n)."""
    return "".join(ALPHANUMS[rng.randrange(len(ALPHANUMS))] for _ in range(n))


def generate_name(prefix: str, rng: random.Random) -> str:
    """names.SimpleNameGenerator: the prefix (cut to 58 characters) plus 5 random characters."""
    return prefix[:MAX_GENERATED_NAME_LENGTH] + random_suffix(rng)


def side_stream(rng: random.Random, slot: int) -> random.Random:
    """A generator seeded from ``rng``'s state *without drawing from it* (``slot`` picks which
    part of the state): a stream added later shifts none of the names, IPs or uids that ``rng``
    and the streams already taken from it produce."""
    return random.Random(str(rng.getstate()[1][8 * slot:8 * slot + 8]))


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each byte mapped into ALPHANUMS."""
    return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in text.encode())


def _fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def template_hash(template: dict, collision_count: int = 0) -> str:
    """The ``pod-template-hash`` label value for a pod template."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    return _hash_text(data)


@functools.lru_cache(maxsize=256)
def _hash_text(data: bytes) -> str:
    # FNV-1a runs byte by byte in Python (~0.1 ms for a pod template), and every new cluster
    # hashes the same bootstrap templates (CoreDNS, kube-proxy, the CNI agent) again: the
    # hash of a given text is computed once.
    return safe_encode(str(_fnv32a(data)))

