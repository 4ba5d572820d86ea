"""Clocks. Only the runtime reads them; rules receive `now` as an argument."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """The system clock moved by an adjustable offset (the local runtime's `/_local/clock`)."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return datetime.now(UTC) + offset

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def set_offset(self, offset: timedelta) -> None:
        with self._lock:
            self._offset = offset
