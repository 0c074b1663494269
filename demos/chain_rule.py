"""The chain rule by hand: the textbook 3-2-1 network, every derivative written out and checked three ways.

Textbooks explain backpropagation on a network small enough to do on paper: three inputs, one hidden
layer of two units, one output, identity activations, and the squared-error cost C = (y_hat - y)^2 / 2
(the 1/2 makes dC/dy_hat = y_hat - y). Every weight is a named Value (w1_21: layer 1, to unit 2, from
input 1), so `explain(C, w)` prints the chain-rule product for dC/dw in those names. Each derivative
is checked against `backward()` and against a central finite difference, and then one step of gradient
descent shows the cost going down, which is the whole point of computing them.

    uv run demos/chain_rule.py [--quick] [--out DIR]
"""

from __future__ import annotations

from common import Demo, section

from autograd import Value, explain, no_grad, tape

X, Y = [1.0, 0.5, -1.5], 1.0  # one sample and its target
W1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]  # W1[j][k]: to hidden unit j+1 from input k+1
B1 = [0.1, -0.1]
W2 = [0.7, -0.8]  # to the output from hidden unit j+1
B2 = 0.2
LR, EPS = 0.1, 1e-6


def parameters() -> dict[str, Value]:
    """Every weight and bias as a labelled leaf, in the textbook's names."""
    params = {f"w1_{j + 1}{k + 1}": w for j, row in enumerate(W1) for k, w in enumerate(row)}
    params |= {f"b1_{j + 1}": b for j, b in enumerate(B1)}
    params |= {f"w2_1{j + 1}": w for j, w in enumerate(W2)}
    params["b2_1"] = B2
    return {name: Value(value, label=name) for name, value in params.items()}


def cost(p: dict[str, Value]) -> Value:
    """Forward pass: h_j = sum_k w1_jk x_k + b1_j, y_hat = sum_j w2_1j h_j + b2_1, C = (y_hat - y)^2 / 2."""
    x = [Value(v, label=f"x{k}", requires_grad=False) for k, v in enumerate(X, 1)]
    y = Value(Y, label="y", requires_grad=False)
    hidden = []
    for j in (1, 2):
        h = p[f"b1_{j}"]
        for k in (1, 2, 3):
            h = h + p[f"w1_{j}{k}"] * x[k - 1]
        h.label = f"h{j}"  # identity activation: the unit's output is its weighted sum
        hidden.append(h)
    y_hat = p["b2_1"] + p["w2_11"] * hidden[0] + p["w2_12"] * hidden[1]
    y_hat.label = "y_hat"
    error = y_hat - y
    error.label = "e"
    squared = error**2
    squared.label = "e_sq"
    C = squared / 2
    C.label = "C"
    return C


def central_difference(p: dict[str, Value], name: str) -> float:
    """(C(w + eps) - C(w - eps)) / (2 eps): the derivative without any calculus, to check the calculus."""
    w, saved = p[name], p[name].data
    with no_grad():
        w.data = saved + EPS
        up = cost(p).data
        w.data = saved - EPS
        down = cost(p).data
    w.data = saved
    return (up - down) / (2 * EPS)


def main() -> None:
    demo = Demo(__doc__)
    p = parameters()
    C = cost(p)
    section("forward pass, as a tape of equations (v<k> are the unnamed partial sums and products)")
    C.backward()
    print(tape(C))

    section("dC/dw for every parameter: explain (chain rule), backward(), finite difference")
    worst = 0.0
    for name, w in p.items():
        why = explain(C, w)
        numeric = central_difference(p, name)
        worst = max(worst, abs(why.total - w.grad), abs(numeric - w.grad))
        print(f"\n{why}")
        print(f"  explain (sum of paths):  {why.total:+.10f}")
        print(f"  backward() -> {name}.grad: {w.grad:+.10f}")
        print(f"  central difference:      {numeric:+.10f}   (eps = {EPS:g})")
    print(f"\nlargest disagreement between the three: {worst:.2e}")
    demo.graph(C, "chain_rule_graph.svg", parameters=p.values(), rankdir="TB",
               title="C = (y_hat - y)^2 / 2 for the 3-2-1 network, after C.backward()")

    section(f"one gradient-descent step: w = w - lr * dC/dw, lr = {LR}")
    before = C.data
    for name, w in p.items():
        new = w.data - LR * w.grad
        print(f"  {name:<6} = {w.data:+.4f} - {LR} * ({w.grad:+.4f}) = {new:+.4f}")
        w.data = new
    after = cost(p).data
    print(f"cost before the step: C = {before:.6f}")
    print(f"cost after the step:  C = {after:.6f}  ({'down' if after < before else 'NOT down'} "
          f"by {before - after:.6f})")
    demo.finish()


if __name__ == "__main__":
    main()
