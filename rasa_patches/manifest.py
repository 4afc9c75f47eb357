"""What each Rasa patch replaces, recorded when it was written (the guard checks it).

Pure data, no imports of Rasa: `rasa_patches.install()` reads it before anything is patched.
A patch's entry names every Rasa function (or class) it replaces or whose code it repeats, with
the SHA-256 of that function's source (`inspect.getsource`) in Rasa `RASA_VERSION`. After
checking a patch against a new Rasa, `python -m rasa_patches --hashes` prints the new values.
The order is the order of installation: the TensorFlow deferral must come before anything
imports Rasa's server modules.
"""

from __future__ import annotations

from dataclasses import dataclass

RASA_VERSION = "3.6.21"


@dataclass(frozen=True)
class Replaced:
    """A definition a patch replaces or repeats: where Rasa (or a library it calls) defines it."""

    module: str
    qualname: str
    sha256: str


@dataclass(frozen=True)
class Patch:
    """One module of rasa_patches/, by name, and what it replaces."""

    name: str
    replaces: tuple[Replaced, ...]


def _r(module: str, qualname: str, sha256: str) -> Replaced:
    return Replaced(module, qualname, sha256)


TRACKERS = "rasa.shared.core.trackers"
ACTIONS = "rasa.core.actions.action"
PROCESSOR = "rasa.core.processor"

PATCHES: tuple[Patch, ...] = (
    Patch("without_tensorflow", (
        _r("rasa.engine.storage.storage", "ModelMetadata.from_dict",
           "ee3da9f00c7daa75c275e6db3db02b5f4da5ca674098bed28222c1f12032a619"),
    )),
    Patch("rasa_speedups", (
        _r("rasa.shared.core.events", "Event.resolve_by_type",
           "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968"),
        _r("jsonschema.validators", "validate",  # installed as jsonschema.validate
           "1a17ed2ff7ab6e5499da90ffb511775f31ef07815294f274c333fcbe43e8a10f"),
        _r(TRACKERS, "DialogueStateTracker.applied_events",
           "764d5065ea9997d613c1984d9357370f9ae32d31ca21346086f16c54f0487aae"),
        _r("rasa.shared.core.domain", "Domain.is_empty",
           "884be90ef485f1d2c0f140657a47f106a7d2785b63b03e46cd699b4072e95369"),
        _r("rasa.shared.core.slots", "Slot",  # gets a __copy__ equal to copy.copy's
           "0a694d68aef367326f0d4714f862136245b05509efc5b037ab8c60fb3341e47e"),
    )),
    Patch("states_fold", (
        _r(TRACKERS, "DialogueStateTracker.past_states",
           "5463eefb5c69d27f82cdc7eca84e23b4b82851e9a5ff575bd02447d4d987103b"),
        _r("rasa.shared.core.domain", "Domain.states_for_tracker_history",  # its loop, repeated
           "035111ce73ac90ba50e143abf556f924af07d9f452893f5a96a62895d44df8b7"),
    )),
    Patch("tracker_copy", (
        _r(TRACKERS, "DialogueStateTracker.copy",
           "dfa48dca9f355ad1b42c625bc6f6370bafe83514ed17a77904ed64c67bf07285"),
    )),
    Patch("rule_matching", (
        _r("rasa.core.policies.rule_policy", "RulePolicy._get_possible_keys",
           "2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936"),
    )),
    Patch("gc_freeze", (
        _r(PROCESSOR, "MessageProcessor.handle_message",  # wrapped
           "0c41d4780d2d46769ef2ae2b3f450b88d2602e916590e8be9975aa474db9f7f4"),
    )),
    Patch("graph_runner", (
        _r("rasa.engine.runner.dask", "DaskGraphRunner.run",
           "45f0f52f574f3aa9546a552bf671183e171092c18b66e97f5771a7fa295de37e"),
    )),
    Patch("logreg_features", (
        _r("rasa.nlu.classifiers.logistic_regression_classifier",
           "LogisticRegressionClassifier._create_X",
           "6f50b5eef8a879c4831f2062655abbc8a614391380875bdbcef02a42edb83292"),
    )),
    Patch("action_payload", (
        _r(ACTIONS, "RemoteAction._action_call_format",  # wrapped
           "428795b944f22edba142d278ec47a30098975b01463ba337ec447dade52a0492"),
        _r("rasa.utils.endpoints", "EndpointConfig.session",
           "e55aa13d9d4fb4bc440ac33b870a97ee162b76dda7ccb6bf68433567475fdffb"),
    )),
    Patch("action_server_fallback", (
        _r(ACTIONS, "RemoteAction.run",  # wrapped
           "ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e"),
        _r(PROCESSOR, "MessageProcessor._run_action",  # wrapped
           "6d383d0179ef1187639887289168959a5a82f94e6949e4e27bb83b2165094995"),
    )),
)  # fmt: skip
