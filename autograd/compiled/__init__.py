"""Compiled mode: a scalar graph traced once and run as a few numpy matrix operations.

Modules, each importing only those above it:
    trace      run the function once in batch mode and record its graph
    graph      rewrite it: chains of additions into sums, weight x input sums into linear forms, groups
    layout     where each value lives (arrays, the parameter vector P) and how a list of them is read
    forward    the forward function's source, one numpy line per group
    backward   the backward function's source: the chain rule on whole arrays
    program    Program: both functions, generated, readable, run
    api        compile(fn), Compiled, Output
"""

from .api import CompileCheckError, Compiled, Output, compile
from .program import Program
from .trace import CompileError, sampled

__all__ = ["compile", "Compiled", "Output", "Program", "CompileError", "CompileCheckError", "sampled"]
