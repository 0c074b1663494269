"""What `diagnose` reports: each Finding (a problem, where, what was seen, what to try) and the Diagnosis.

Kept apart from how the problems are found (nn/diagnose.py), as fit's History is kept apart from fit:
a Diagnosis is what a user reads, prints again, or compares between epochs (`check_epoch` reports only
the findings new since the previous epoch's), so it is plain data with a printed form, a table of the
per-layer gradient norms and their ratios above the findings, most urgent first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Finding:
    """One problem: its kind (a key of nn.diagnose.ADVICE), the units or parameters it names, what was seen,
    what to try."""

    kind: str
    where: list[str]
    seen: str
    advice: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.seen}\n  try: {self.advice}"


@dataclass
class Diagnosis:
    """What `diagnose` found: `findings` (most urgent first), and the numbers behind them: `dead` and
    `saturated` units, each layer's gradient `norms` (layer 1 first), `ratios` between neighbouring layers
    (norm of layer l / norm of layer l + 1), the first non-finite number, and the loss on the data."""

    samples: int
    loss: float
    norms: list[float]
    dead: list[str] = field(default_factory=list)
    saturated: list[str] = field(default_factory=list)
    nonfinite: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [a / b if b else float("inf") if a else 1.0 for a, b in zip(self.norms, self.norms[1:])]

    @property
    def healthy(self) -> bool:
        return not self.findings

    def __str__(self) -> str:
        lines = [f"diagnose on {self.samples} samples: loss {self.loss:.6g}; "
                 + ("no problem found" if self.healthy else counted(self.findings, "problem"))]
        rows = [("layer (1 is next to the input)", [str(k) for k in range(1, len(self.norms) + 1)]),
                ("gradient norm", [f"{n:.2e}" for n in self.norms]),
                ("its ratio to the next layer's", [f"{r:.3g}" for r in self.ratios])]
        lines += [f"  {name:<30}" + "".join(f"{cell:>10}" for cell in cells) for name, cells in rows if cells]
        return "\n".join(lines + [str(f) for f in self.findings])

    def __repr__(self) -> str:
        kinds = ", ".join(f.kind for f in self.findings) or "healthy"
        return f"Diagnosis({kinds}; print() it for the details)"


def counted(items: list[Any], what: str) -> str:
    """ "1 unit", "3 units": how many, in the report's words (diagnose's findings say it the same way)."""
    return f"{len(items)} {what}{'' if len(items) == 1 else 's'}"
