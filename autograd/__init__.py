"""chainrule's scalar reverse-mode autodiff engine. Start with `Value`; see the README for a tour.

Subpackages, each importing only those before it:
    autograd.core      the op table (define_op), Value and Batch, graph order, backward, modes
    autograd.functional, autograd.check   grad / value_and_grad, gradcheck
    autograd.compiled  compile(fn): a graph traced once, run as a numpy program
    autograd.names     the names a model gives its nodes (dotted, or the textbook's w1_4,2, z1_4, ...)
    autograd.notation  how nodes are written as text (names, numbers, formulas), for the two below
    autograd.viz       draw_dot and SVG files (Graphviz)
    autograd.teach     Stepper (and its HTML player), explain, tape; Jupyter displays
"""

from .check import gradcheck
from .compiled import CompileCheckError, CompileError, compile, sampled
from .core import (
    OPS,
    AnomalyError,
    ArrayMath,
    Batch,
    GradcheckError,
    GraphCycleError,
    Op,
    OpDefinitionError,
    Placement,
    Storage,
    StoredValue,
    Value,
    backward_order,
    define_op,
    detect_anomaly,
    enable_grad,
    gradients,
    local_derivatives,
    no_grad,
    scope,
    topological_sort,
)
from .functional import grad, value_and_grad
from .teach import Explanation, GraphTooBigError, Stepper, explain, tape
from .viz import GraphvizError, GraphvizNotFoundError, GraphvizRenderError, draw_dot, save_svg

__all__ = [
    "Value", "Batch", "Op", "OPS", "define_op", "OpDefinitionError", "grad", "value_and_grad", "gradients",
    "no_grad", "enable_grad", "scope", "detect_anomaly", "gradcheck", "backward_order", "topological_sort",
    "local_derivatives", "AnomalyError", "GradcheckError", "GraphCycleError",
    "draw_dot", "save_svg", "GraphvizError", "GraphvizNotFoundError", "GraphvizRenderError",
    "explain", "Explanation", "tape", "Stepper", "GraphTooBigError",
    "compile", "CompileError", "CompileCheckError", "sampled", "Storage", "StoredValue", "Placement",
    "ArrayMath",
]
