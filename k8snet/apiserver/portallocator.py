"""NodePort allocation (pkg/registry/core/service/portallocator), on Service create.

Range 30000-32767.  Like ClusterIPs (KEP-3668), the range has a lower band preferred for
static ports; dynamic ports come from the upper band first, at random (seeded here).
"""
from __future__ import annotations

import random

from ..errors import FieldError

__all__ = ["PortAllocator"]


class PortAllocator:
    """Hands out NodePorts from ``base .. base+size-1`` (default 30000-32767)."""

    def __init__(self, rng: random.Random, base: int = 30000, size: int = 2768):
        self.base, self.size, self.rng = base, size, rng
        self.used: set[int] = set()
        self.reserved = min(max(16, size // 32), 128)

    @property
    def range_text(self) -> str:
        return f"{self.base}-{self.base + self.size - 1}"

    def check(self, port: int, field: str) -> FieldError | None:
        """The API server's complaint about an asked-for nodePort, or None."""
        if not self.base <= port < self.base + self.size:
            return FieldError.invalid(
                field, port, "provided port is not in the valid range. "
                f"The range of valid ports is {self.range_text}")
        if port in self.used:
            return FieldError.invalid(field, port, "provided port is already allocated")
        return None

    def allocate(self, port: int) -> None:
        self.used.add(port)

    def allocate_next(self) -> int:
        upper = self.size - self.reserved
        for _ in range(64):
            port = self.base + self.reserved + self.rng.randrange(upper)
            if port not in self.used:
                break
        else:
            free = [p for p in range(self.base, self.base + self.size) if p not in self.used]
            if not free:
                raise RuntimeError("range is full")
            port = free[self.rng.randrange(len(free))]
        self.used.add(port)
        return port

    def release(self, port: int | None) -> None:
        if port:
            self.used.discard(port)
