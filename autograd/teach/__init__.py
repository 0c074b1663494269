"""What teaches the backward pass: the Stepper (one chain rule at a time), its player (the pass as an HTML
page you can watch), explain (every path from the root to a weight, as products of local derivatives)
and tape (the forward pass as a list); in Jupyter each of them, and every Value, has a rich display."""

from ..core import Node
from .cards import value_card
from .explain import Explanation, explain
from .player import GraphTooBigError
from .step import Step, Term
from .stepper import Stepper
from .tape import Tape, tape

Node.html_display = value_card  # Jupyter shows a Value as a card (the core cannot import this layer)

__all__ = ["Stepper", "Step", "Term", "explain", "Explanation", "tape", "Tape", "GraphTooBigError", "value_card"]
