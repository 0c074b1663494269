"""Lines of the backward function that are the same at every call: computed once, when the program is made.

The seed d(loss)/d(loss) = 1 is a constant, and so is every gradient computed from it alone: the
mean's share 1/n of each sample, the 1e-4 of an L2 penalty spread over the parameters. Such lines
move out of `backward` to the top of the program, which Python runs once (a program is made for
one number of samples, so `n` is a constant there too). A line moves if it assigns a name once
(`d = expression`), nothing changes that name later (no `+=`, no `d[...] +=`, no `np.add.at(d, ...)`),
and its expression reads only constants and names already moved.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable


def hoist(lines: list[str], constants: Iterable[str], local: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the lines to run once, the lines to run at every call), each in their original order. `local`: the
    names the function assigns before these lines (`dP`), which never move."""
    statements = [ast.parse(line).body for line in lines]
    stores = Counter(name for body in statements for statement in body for name in _stored(statement))
    stores.update(local)
    known, once, each = set(constants), [], []
    for line, body in zip(lines, statements):
        statement = body[0] if len(body) == 1 else None
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and stores[statement.targets[0].id] == 1
                and _read(statement.value) <= known):
            known.add(statement.targets[0].id)
            once.append(line)
        else:
            each.append(line)
    return once, each


def _read(expression: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(expression) if isinstance(node, ast.Name)}


def _stored(statement: ast.stmt) -> list[str]:
    """The names whose arrays this statement assigns or changes."""
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, ast.AugAssign):
        targets = [statement.target]
    elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and statement.value.args:
        targets = [statement.value.args[0]]  # np.add.at(d, index, values) changes d
    names = []
    for target in targets:
        while isinstance(target, ast.Subscript):
            target = target.value
        if isinstance(target, ast.Name):
            names.append(target.id)
    return names
