"""A least-recently-used cache bounded in bytes, not in entries.

A public endpoint cannot let clients decide how much memory a cache holds: distinct 1 MiB queries
in a cache of 4,096 entries are 4 GiB. Every entry here is charged its key's and value's size
(the caller says what the value weighs), and the oldest entries leave once the total passes
``max_bytes``; an entry heavier than a quarter of the budget is not kept at all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


def weight(key: Hashable) -> int:
    """Bytes a key is charged: its strings' lengths (tuples of strings summed) plus a fixed overhead."""
    if isinstance(key, str | bytes):
        return len(key) + 64
    if isinstance(key, tuple):
        return sum(weight(k) for k in key) + 64
    return 64


class ByteLRU(Generic[V]):
    """``get``/``put`` with least-recently-used eviction under a byte budget."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Hashable, value: V, size: int = 64) -> None:
        cost = weight(key) + size
        if cost > self.max_bytes // 4:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.used -= old[1]
        self._items[key] = (value, cost)
        self.used += cost
        while self.used > self.max_bytes:
            _, (_, freed) = self._items.popitem(last=False)
            self.used -= freed
