"""History: what `fit` records per epoch (losses, metrics, per-layer gradient norms, learning rate)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """Per-epoch records: history["loss"], history["val_accuracy"], history.grad_norms["layers.0"]..."""

    records: dict[str, list[float]] = field(default_factory=dict)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    def add(self, name: str, value: float) -> None:
        self.records.setdefault(name, []).append(value)

    def __getitem__(self, name: str) -> list[float]:
        return self.records[name]

    def __contains__(self, name: str) -> bool:
        return name in self.records

    @property
    def epochs(self) -> int:
        return len(self.records.get("loss", []))
