"""Train one neuron with chainrule and watch its gradients (the full demos come later)."""

from autograd import Value

points = [([2.0, 3.0], 1.0), ([-1.0, -2.0], -1.0), ([3.0, -1.0], 1.0), ([-2.0, 1.0], -1.0)]
w = [Value(0.1, label="w1"), Value(-0.2, label="w2")]
b = Value(0.0, label="b")

for step in range(20):
    loss = sum(((w[0] * x[0] + w[1] * x[1] + b).tanh() - y) ** 2 for x, y in points)
    for p in (*w, b):
        p.grad = 0.0
    loss.backward()
    if step % 5 == 0 or step == 19:
        grads = ", ".join(f"d loss/d {p.label} = {p.grad:+.4f}" for p in (*w, b))
        print(f"step {step:2d}  loss = {loss.data:.4f}   {grads}")
    for p in (*w, b):
        p.data -= 0.1 * p.grad
