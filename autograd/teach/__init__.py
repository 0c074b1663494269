"""Text that teaches the backward pass: the Stepper (one chain rule at a time), explain (every path
from the root to a weight, as products of local derivatives) and tape (the forward pass as a list)."""

from .explain import Explanation, explain, tape
from .step import Step, Term
from .stepper import Stepper

__all__ = ["Stepper", "Step", "Term", "explain", "Explanation", "tape"]
