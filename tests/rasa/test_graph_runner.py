"""Rasa's graph runs (rasa_patches/graph_runner.py): dask's results, in dask's order."""

import pytest
from rasa.engine.runner.dask import DaskGraphRunner

from rasa_patches import graph_runner


class Node:
    """A graph node as Rasa builds them: called with its needs, returns (name, output)."""

    def __init__(self, name: str, calls: list[str]) -> None:
        self.name, self.calls = name, calls

    def __call__(self, *inputs: tuple[str, object]) -> tuple[str, object]:
        self.calls.append(self.name)
        return self.name, [self.name, *(output for _, output in inputs)]


def graph(calls: list[str], message: object) -> dict:
    """Two branches from one input joining again, and a node no target needs."""
    names = ["parse", "left", "right", "join", "idle"]
    nodes = {name: Node(name, calls) for name in names}
    return {
        "message": ("message", message),
        "parse": (nodes["parse"], "message"),
        "left": (nodes["left"], "parse"),
        "right": (nodes["right"], "parse"),
        "join": (nodes["join"], "left", "right", "message"),
        "idle": (nodes["idle"],),
    }


class Runner:
    pass


def test_later_runs_give_dasks_results_in_dasks_order():
    import dask

    dask_calls: list[str] = []
    expected = dask.get(graph(dask_calls, "hi"), ["join", "right"])
    runner, calls = Runner(), []
    shape = graph(calls, "hi")  # the same nodes on every run, as in a loaded model
    first = graph_runner.execute(runner, shape, ["join", "right"])
    second = graph_runner.execute(
        runner, {**shape, "message": ("message", "hi")}, ["join", "right"]
    )
    assert list(first) == list(second) == list(expected)
    assert calls == dask_calls + dask_calls  # recorded once, then replayed in the same order
    assert len(runner.__dict__[graph_runner.PLANS_ATTRIBUTE]) == 1


def test_a_new_input_value_reaches_the_nodes():
    runner, calls = Runner(), []
    shape = graph(calls, "first")
    graph_runner.execute(runner, shape, ["join"])
    ((name, output),) = graph_runner.execute(
        runner, {**shape, "message": ("message", "later")}, ["join"]
    )
    assert name == "join" and output[-1] == "later"


def test_other_targets_are_another_plan():
    runner, calls = Runner(), []
    shape = graph(calls, "hi")
    graph_runner.execute(runner, shape, ["join"])
    graph_runner.execute(runner, shape, ["left"])
    assert len(runner.__dict__[graph_runner.PLANS_ATTRIBUTE]) == 2


def test_a_graph_of_another_form_is_left_to_dask():
    runner = Runner()
    odd = {"x": 1, "y": (lambda a: a + 1, "x")}  # a bare literal, not Rasa's (name, value)
    assert list(graph_runner.execute(runner, odd, ["y"])) == [2]
    assert not runner.__dict__.get(graph_runner.PLANS_ATTRIBUTE)


def test_a_failing_node_raises_as_with_dask_and_records_nothing():
    def broken(*_):
        raise ValueError("component failed")

    runner = Runner()
    failing = {"message": ("message", "hi"), "parse": (broken, "message")}
    for _ in range(2):
        with pytest.raises(ValueError, match="component failed"):
            graph_runner.execute(runner, failing, ["parse"])
    assert not runner.__dict__.get(graph_runner.PLANS_ATTRIBUTE)


def test_installed_in_rasas_runner(rasa_patched):
    assert DaskGraphRunner.run is graph_runner.run
