"""chainrule's neural-network library on top of `autograd`: modules, losses, optimizers, fit.

Models take one sample (a list of numbers or Values) or a whole batch (a 2-D array: one graph of
Batches); fit, predict and evaluate use batch mode unless given `batch_mode=False`.
"""

from . import data, losses
from .diagnose import Diagnosis, Finding, diagnose
from .dropout import Dropout
from .explain import BackpropMismatch, explain_layers
from .io import ModelFileError
from .losses import binary_cross_entropy, cross_entropy, hinge, l1, l2, log_softmax, mse, softmax
from .metrics import accuracy
from .mlp import MLP, Layer, Neuron
from .module import Module
from .optim import SGD, Adam, AdamW, Optimizer, RMSprop, clip_grad_norm
from .schedule import CosineDecay, LinearDecay, StepDecay
from .train import History, evaluate, fit, predict

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "Dropout", "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "clip_grad_norm",
    "LinearDecay", "StepDecay", "CosineDecay", "fit", "predict", "evaluate", "History", "accuracy",
    "mse", "hinge", "binary_cross_entropy", "cross_entropy", "log_softmax", "softmax", "l1", "l2",
    "data", "losses", "ModelFileError", "diagnose", "Diagnosis", "Finding", "explain_layers", "BackpropMismatch",
]
