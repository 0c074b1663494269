"""The player's frames against the Stepper itself, on random graphs: after every step the frames give the
grad field the Stepper's own grads give, the right node, the step's text, and unreached/partial/final."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Stepper, Value
from autograd.core import Unreached
from autograd.teach.frames import at_the_end, grad_field, record

OPS = (lambda a, b: a * b, lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a.tanh(), lambda a, b: a**2,
       lambda a, b: a * 2.0)
recipes = st.tuples(st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=3),
                    st.lists(st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 99), st.integers(0, 99)),
                             min_size=0, max_size=10),
                    st.integers(0, 10), st.booleans())


def build(recipe: tuple) -> Value:
    leaves, steps, _, earlier = recipe
    nodes = [Value(x, label=f"x{k}") for k, x in enumerate(leaves)]
    for op, i, j in steps:
        nodes.append(OPS[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    if earlier:
        nodes[-1].backward()  # leaves start with a grad from an earlier pass
    return nodes[-1]


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(recipes)
def test_every_frame_shows_what_the_stepper_shows_at_that_step(recipe):
    root = build(recipe)
    s = Stepper(root)
    s.goto(recipe[2] % (len(s) + 1))
    names = {id(v): f"n{k}" for k, v in enumerate(s.names.nodes)}
    with at_the_end(s) as at:
        frames = record(s, names, at)
        adds = [[names[id(t.input)] for t in step.terms] for step in s.steps]
    assert s.position == at == frames.position and len(frames.steps) == len(s)
    for position in range(len(s) + 1):
        s.goto(position)
        shown = frames.grads(position)
        for v in s.names.nodes:
            if v.is_constant:
                assert names[id(v)] not in shown
                continue
            name = names[id(v)]
            assert shown[name] == grad_field(v.grad)
            later = any(name in added for added in adds[position:])
            want = "unreached" if isinstance(v.grad, Unreached) else "partial" if later else "final"
            assert frames.state(position, name) == want
        node = s.current or s.root
        assert frames.current(position) == names[id(node)]
        assert frames.text(position) == (str(s.steps[-1]) if position else frames.intro)
    for op, step in frames.applied.items():
        assert op == names[id(s.order[step - 1])] + "op"


def test_the_intro_says_how_the_pass_starts():
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    s = Stepper(y)
    with at_the_end(s) as at:
        frames = record(s, {id(v): f"n{k}" for k, v in enumerate(s.names.nodes)}, at)
    assert frames.intro == "before step 1: the root is seeded, dy/dy = 1.0\nnext: step 1/1  y = x * x"
    assert s.position == 0 and isinstance(x.grad, Unreached)
    assert grad_field(Unreached(0.0)) == "grad —" and grad_field(-2.0) == "grad -2.0000"
