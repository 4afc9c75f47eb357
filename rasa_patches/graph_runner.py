"""Rasa's model graph run in the order dask chose, without dask's scheduler on every message.

Each message runs two or three graphs (NLU, then the policies before each action), and Rasa's
`DaskGraphRunner` hands each to `dask.get`, dask's general scheduler: ordering the graph, building
its state, firing tasks through a queue. Measured under the load mix, that bookkeeping was 14% of
the Rasa server's CPU, for graphs of 5-20 nodes that are the same on every call. So the first run
of each graph shape (its nodes, what each needs, the targets) still goes through dask, which
records the order it ran the nodes in; later runs of that shape call the same nodes with the same
inputs in that same order. A graph of any other form (anything but Rasa's node tuples and input
pairs) is left to dask. The debug line Rasa formats for every run (the inputs' repr, a whole
tracker) is only formatted when debug logging is on.
"""

import logging
from collections.abc import Hashable
from typing import Any

import dask
from dask.core import istask
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner import dask as rasa_dask
from rasa.engine.runner.dask import DaskGraphRunner

PLANS_ATTRIBUTE = "_graph_run_plans"
Plan = list[str]


def _shape(graph: dict[str, Any], targets: list[str]) -> Hashable | None:
    """What decides dask's order: each node's callable and needs, each input's name. None if
    the graph is not made only of Rasa's `(node, *needed names)` and `(name, value)` pairs."""
    parts: list[Hashable] = [tuple(targets)]
    for key, task in graph.items():
        if not isinstance(key, str) or not isinstance(task, tuple) or not task:
            return None
        if istask(task):
            needs = task[1:]
            if not all(isinstance(need, str) and need in graph for need in needs):
                return None
            parts.append((key, id(task[0]), needs))
        elif task[0] == key and len(task) == 2:  # an input: (name, value)
            parts.append((key, None))
        else:
            return None
    return tuple(parts)


class _Recorder:
    """A node that notes when dask ran it."""

    def __init__(self, key: str, node: Any, ran: Plan) -> None:
        self.key, self.node, self.ran = key, node, ran

    def __call__(self, *args: Any) -> Any:
        self.ran.append(self.key)
        return self.node(*args)


def _record(graph: dict[str, Any], targets: list[str]) -> tuple[list[Any], Plan]:
    ran: Plan = []
    recording = {
        key: (_Recorder(key, task[0], ran), *task[1:]) if istask(task) else task
        for key, task in graph.items()
    }
    return dask.get(recording, targets), ran


def _replay(graph: dict[str, Any], targets: list[str], plan: Plan) -> list[Any]:
    results = {key: task for key, task in graph.items() if not istask(task)}
    for key in plan:
        node, *needs = graph[key]
        results[key] = node(*(results[need] for need in needs))
    return [results[target] for target in targets]


def execute(runner: Any, graph: dict[str, Any], targets: list[str]) -> list[Any]:
    """`dask.get(graph, targets)`, replaying dask's recorded order for a graph shape it ran."""
    shape = _shape(graph, targets)
    if shape is None:
        return dask.get(graph, targets)
    plans: dict[Hashable, Plan] = runner.__dict__.setdefault(PLANS_ATTRIBUTE, {})
    plan = plans.get(shape)
    if plan is None:
        results, plans[shape] = _record(graph, targets)
        return results
    return _replay(graph, targets, plan)


def run(
    self: DaskGraphRunner,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """`DaskGraphRunner.run` of Rasa 3.6, with `execute` in place of `dask.get`."""
    run_targets = targets if targets else self._graph_schema.target_names
    minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
    run_graph = self._build_dask_graph(minimal_schema)
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    if rasa_dask.logger.isEnabledFor(logging.DEBUG):
        rasa_dask.logger.debug(
            f"Running graph with inputs: {inputs}, targets: {targets} "
            f"and {self._execution_context}."
        )
    try:
        return dict(execute(self, run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def install() -> None:
    DaskGraphRunner.run = run
