"""Custom Rasa NLU components: thin glue between Rasa's graph and `headache_core`.

Rasa imports this package when it loads the model, in the server and in training, so what must
change in Rasa's own behaviour is installed here: the speed-ups for its tracker handling
(rasa_speedups.py, states_fold.py, tracker_copy.py), its rule lookup (rule_matching.py), its
graph runs (graph_runner.py) and the intent classifier's input (logreg_features.py), the leaner
tracker sent to the action server (action_payload.py), the answers when the action server fails
(action_server_fallback.py) and short garbage collections (gc_freeze.py).
"""

from components import (
    action_payload,
    action_server_fallback,
    gc_freeze,
    graph_runner,
    logreg_features,
    rasa_speedups,
    rule_matching,
    states_fold,
    tracker_copy,
)

rasa_speedups.install()
states_fold.install()
tracker_copy.install()
rule_matching.install()
gc_freeze.install()
graph_runner.install()
logreg_features.install()
action_payload.install()
action_server_fallback.install()
