"""A bounded memory of ids seen lately: Slack and Meta may deliver one event twice (a retry, an
event sent both as a mention and as a channel message), and each must be answered once."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

DEFAULT_SIZE = 5000


class RecentIds:
    """Least-recently-seen ids are forgotten first. Used from one event loop: no lock needed."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._seen

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, key: str) -> None:
        self._seen[key] = None
        self._seen.move_to_end(key)
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)

    def first_time(self, keys: Iterable[str | None]) -> bool:
        """True if none of `keys` (empty ones ignored) was seen before; remembers them all."""
        present = [k for k in keys if k]
        new = not any(k in self._seen for k in present)
        for key in present:
            self.add(key)
        return new
