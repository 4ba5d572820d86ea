"""Figures, their targets and the printed report."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / ".results" / "latest.json"


@dataclass(frozen=True)
class Figure:
    """One measured number. `at_most` / `at_least` make it a target (PASS or MISS)."""

    key: str
    label: str
    value: float
    unit: str
    at_most: float | None = None
    at_least: float | None = None
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.at_most is None and self.at_least is None:
            return "info"
        low_ok = self.at_least is None or self.value >= self.at_least
        high_ok = self.at_most is None or self.value <= self.at_most
        return "PASS" if low_ok and high_ok else "MISS"

    @property
    def target(self) -> str:
        if self.at_least is not None and self.at_most is not None:
            return f"{_number(self.at_least)}–{_number(self.at_most)} {self.unit}"
        if self.at_most is not None:
            return f"≤ {_number(self.at_most)} {self.unit}"
        if self.at_least is not None:
            return f"≥ {_number(self.at_least)} {self.unit}"
        return "—"

    @property
    def shown(self) -> str:
        return f"{_number(self.value)} {self.unit}"


@dataclass(frozen=True)
class Section:
    title: str
    figures: list[Figure]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def table(figures: Iterable[Figure]) -> str:
    rows = [("figure", "value", "target", "result")]
    rows += [(f.label, f.shown, f.target, f.verdict) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            row[0].ljust(widths[0]),
            row[1].rjust(widths[1]),
            row[2].ljust(widths[2]),
            row[3],
        ]
        lines.append("  " + "  ".join(cells).rstrip())
        if index == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render(section: Section) -> str:
    out = [f"== {section.title} ({section.seconds:.1f} s)", table(section.figures)]
    for figure in section.figures:
        if figure.note:
            out.append(f"  * {figure.label}: {figure.note}")
    out.extend(f"  {line}" for line in section.notes)
    return "\n".join(out)


def machine() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, fixed arguments
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "measuredAt": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "commit": commit or None,
    }


def write_json(sections: list[Section], path: Path = RESULTS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": machine(),
        "sections": [
            {
                "title": s.title,
                "seconds": round(s.seconds, 2),
                "notes": s.notes,
                "figures": [{**asdict(f), "verdict": f.verdict} for f in s.figures],
            }
            for s in sections
        ],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
