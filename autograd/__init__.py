"""chainrule's scalar reverse-mode autodiff engine. Start with `Value`; see the README for a tour."""

from .batch import Batch
from .check import gradcheck
from .engine import backward_order, gradients, local_derivatives, topological_sort
from .errors import AnomalyError, GradcheckError, GraphCycleError
from .explain import Explanation, explain, tape
from .functional import grad, value_and_grad
from .mode import detect_anomaly, enable_grad, no_grad
from .ops import OPS, Op
from .trace import Stepper
from .value import Value
from .viz import GraphvizNotFoundError, draw_dot, save_svg

__all__ = [
    "Value", "Batch", "Op", "OPS", "grad", "value_and_grad", "gradients", "no_grad", "enable_grad",
    "detect_anomaly", "gradcheck", "backward_order", "topological_sort", "local_derivatives",
    "AnomalyError", "GradcheckError", "GraphCycleError",
    "draw_dot", "save_svg", "GraphvizNotFoundError", "explain", "Explanation", "tape", "Stepper",
]
