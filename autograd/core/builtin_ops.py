"""The op table: every built-in primitive declared once, through the same `define_op` users get.

Each line is the whole truth about one op: its value and one local derivative per input, as
expressions in the inputs `a`, `b` and the result `out` (see autograd/core/define.py), and the
textbook form a learner reads in `help()`, the Stepper and `explain`. After editing this table,
run `python -m autograd.core.codegen` to regenerate Value's and Batch's operators; a test fails
while they are stale.
"""

from __future__ import annotations

from .define import define_op
from .op import OPS

ADD = define_op("add", "a + b", ("1.0", "1.0"), symbol="+", method="__add__")
SUB = define_op("sub", "a - b", ("1.0", "-1.0"), symbol="-", method="__sub__")
MUL = define_op("mul", "a * b", ("b", "a"), symbol="*", method="__mul__")
# d/db = -a / b**2 is -out / b, except where out = a / b underflowed (ratio2 keeps those bits).
DIV = define_op("div", "div(a, b)", ("recip(b)", "-ratio2(a, b, out)"), symbol="/", notation=("1 / b", "-a / b**2"),
                method="__truediv__")
POW = define_op("pow", "pow(a, b)", ("power_rule(a, b)", "xlog(out, a, b)"), symbol="**",
                notation=("b * a**(b - 1)", "a**b * log(a)"), method="__pow__")
# pow with IEEE's answers instead of errors: inf at 0 to a negative power, NaN for a complex power. Derivative
# graphs (create_graph) use it where pow would raise, so that an infinite derivative has derivatives too.
IPOW = define_op("ipow", "ipow(a, b)", ("power_rule(a, b)", "xlog(out, a, b)"), symbol="ipow",
                 notation=("b * a**(b - 1)", "a**b * log(a)"), method="_ipow", reflected="_ripow")
# The slope is an input, so a Value slope is learnable (PReLU); a number becomes a constant.
# (Value.leaky_relu(slope=0.01) calls this method with the default filled in.) The rules pick rather than blend
# (step(a) + (1 - step(a)) * b would be 0 * inf = NaN at an infinite slope or input): d/da is leaky_relu(+-1, -b),
# 1 or b; d/db is min(a, 0).
LEAKY_RELU = define_op("leaky_relu", "leaky_relu(a, b)", ("leaky_relu(2.0 * step(a) - 1.0, -b)", "0.0 - relu(-a)"),
                       notation=("1 if a > 0 else b", "0 if a > 0 else a"), method="_leaky_relu",
                       reflected="_rleaky_relu")
# log(e^a + e^b) without overflow (max + log1p(e^-|a - b|)); d/da = sigmoid(a - b) to full precision.
LOGADDEXP = define_op("logaddexp", "logaddexp(a, b)", ("dlogaddexp(a, b)", "dlogaddexp(b, a)"),
                      notation=("e^a / (e^a + e^b)", "e^b / (e^a + e^b)"), reflected="_rlogaddexp")
NEG = define_op("neg", "-a", ("-1.0",), method="__neg__")
ABS = define_op("abs", "abs(a)", ("sign(a)",), method="__abs__")
EXP = define_op("exp", "exp(a)", ("out",), notation=("exp(a)",))
LOG = define_op("log", "log(a)", ("recip(a)",), notation=("1 / a",))
SQRT = define_op("sqrt", "sqrt(a)", ("0.5 * ipow(out, -1.0)",), notation=("1 / (2 * sqrt(a))",))
# The textbook forms cancel near saturation (1 - out * out is 0.0 from a = 19.1, out * (1 - out) from
# a = 36.7; at tanh 14.2 / sigmoid 30 only a few digits are right): the rules are the stable
# sech2(a) = 4t / (1 + t)**2, t = e^(-2|a|), and dsigmoid(a) = e / (1 + e)**2, e = e^(-|a|), exact to a few ulps.
TANH = define_op("tanh", "tanh(a)", ("sech2(a)",), notation=("1 - tanh(a)**2",))
SIGMOID = define_op("sigmoid", "sigmoid(a)", ("dsigmoid(a)",), notation=("sigmoid(a) * (1 - sigmoid(a))",))
RELU = define_op("relu", "relu(a)", ("step(a)",), symbol="ReLU", notation=("1 if a > 0 else 0",))
SOFTPLUS = define_op("softplus", "softplus(a)", ("sigmoid(a)",))
SIN = define_op("sin", "sin(a)", ("cos(a)",))
COS = define_op("cos", "cos(a)", ("-sin(a)",))
# Reductions: a batch's samples summed or averaged into one scalar (the identity on a scalar).
SUM = define_op("sum", "total(a)", ("ones(a)",), notation=("1 for every sample",), reduces=True)
MEAN = define_op("mean", "average(a)", ("ones(a) / count(a)",), notation=("1/n for every sample",), reduces=True)

TABLE = tuple(OPS.values())  # the built-in ops above, in order (users' ops are added to OPS after them)
