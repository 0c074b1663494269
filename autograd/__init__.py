"""chainrule's scalar reverse-mode autodiff engine. Start with `Value`; see the README for a tour."""

from .check import gradcheck
from .engine import backward_order, gradients, local_derivatives, topological_sort
from .errors import AnomalyError, GradcheckError, GraphCycleError
from .functional import grad, value_and_grad
from .mode import detect_anomaly, enable_grad, no_grad
from .ops import OPS, Op
from .value import Value

__all__ = [
    "Value", "Op", "OPS", "grad", "value_and_grad", "gradients", "no_grad", "enable_grad",
    "detect_anomaly", "gradcheck", "backward_order", "topological_sort", "local_derivatives",
    "AnomalyError", "GradcheckError", "GraphCycleError",
]
