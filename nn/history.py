"""History: what `fit` records, one value per epoch, as a read-only mapping of lists.

history["loss"] is the list of the epochs' mean training losses, and the other keys are the metrics, the
validation values ("val_loss", "val_accuracy", ...) and the learning rate ("lr"), every list one value
per epoch. A History is a Mapping so that everything made for dicts takes it: `dict(history)`,
`json.dumps(dict(history))`, `pandas.DataFrame(history)`, a plotting loop over `history.items()`.
Reading it gives copies, so a history stays what fit recorded.

Epochs count from 1 where people read them (`best_epoch`, the progress bar, repr and the Jupyter table);
the lists are Python lists, so epoch e is `history["loss"][e - 1]`.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from typing import Any

SHOWN = 10  # the Jupyter table shows the first and the last SHOWN epochs of a longer history


class History(Mapping[str, list[float]]):
    """Per-epoch records: history["loss"], history["val_accuracy"], history.grad_norms["layers.0"], ...

    `len(history)` is the number of series (a Mapping's length); `history.epochs` the number of epochs.
    Besides the mapping: `grad_norms` (each layer's gradient norm per epoch), `best_epoch` (1-based: the
    epoch with the lowest val_loss, or loss without validation), `stopped_early` and `initial_loss` (the
    loss before training, on the training data), and with fit(diagnose=True) `health` (each epoch's
    diagnose report; the number of problems it found is the series "problems").
    """

    def __init__(self) -> None:
        self._records: dict[str, list[float]] = {}
        self.grad_norms: dict[str, list[float]] = {}
        self.best_epoch: int | None = None
        self.stopped_early = False
        self.initial_loss: float | None = None
        self.health: list[Any] = []  # with fit(diagnose=True): each epoch's nn.diagnose report, epoch 1 first

    def add_epoch(self, values: Mapping[str, float], grad_norms: Mapping[str, float] | None = None) -> None:
        """Record one epoch (fit calls this). The names must be the same every epoch, so that every list
        has one value per epoch; they are checked before anything is recorded."""
        norms = dict(grad_norms or {})
        for what, names, known in (("values", values, self._records), ("grad_norms", norms, self.grad_norms)):
            if self.epochs and set(names) != set(known):
                raise ValueError(f"History.add_epoch: epoch {self.epochs + 1} has {what} {sorted(names)}, but "
                                 f"the earlier epochs have {sorted(known)}; record the same names every epoch")
        if not values:
            raise ValueError("History.add_epoch: got no values for the epoch; record at least the loss")
        row, norms = {k: float(v) for k, v in values.items()}, {k: float(v) for k, v in norms.items()}
        for name, value in row.items():
            self._records.setdefault(name, []).append(value)
        for name, norm in norms.items():
            self.grad_norms.setdefault(name, []).append(norm)

    def __getitem__(self, name: str) -> list[float]:
        return list(self._records[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, name: object) -> bool:
        return name in self._records

    @property
    def epochs(self) -> int:
        """The number of epochs recorded."""
        return len(next(iter(self._records.values()), []))

    def _last(self) -> dict[str, float]:
        return {name: values[-1] for name, values in self._records.items()}

    def __repr__(self) -> str:
        """A one-line summary: the epochs, the last epoch's values, the best epoch (never the whole lists)."""
        parts = [f"epochs={self.epochs}"] + [f"{name}={value:.4g}" for name, value in self._last().items()]
        if self.best_epoch is not None:
            parts.append(f"best_epoch={self.best_epoch}")
        if self.stopped_early:
            parts.append("stopped_early=True")
        return f"History({', '.join(parts)})"

    def _repr_html_(self) -> str:
        """Jupyter's view: a table of the values per epoch (the first and last SHOWN epochs if there are more),
        the best epoch in bold."""
        names, epochs = list(self._records), list(range(1, self.epochs + 1))
        if len(epochs) > 2 * SHOWN:
            epochs = epochs[:SHOWN] + [0] + epochs[-SHOWN:]  # 0 marks the rows left out
        caption = f"History: {self.epochs} epoch{'' if self.epochs == 1 else 's'}"
        if self.best_epoch is not None:
            caption += f", best epoch {self.best_epoch}" + (" (in bold)" if self.best_epoch in epochs else "")
        caption += ", stopped early" if self.stopped_early else ""
        rows = []
        for epoch in epochs:
            if not epoch:
                rows.append("<tr>" + "<td>&#8942;</td>" * (len(names) + 1) + "</tr>")
                continue
            cells = "".join(f"<td>{self._records[name][epoch - 1]:.4g}</td>" for name in names)
            style = ' style="font-weight: bold"' if epoch == self.best_epoch else ""
            rows.append(f"<tr{style}><td>{epoch}</td>{cells}</tr>")
        head = "".join(f"<th>{html.escape(name)}</th>" for name in ["epoch", *names])
        return (f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")
