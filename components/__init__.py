"""Custom Rasa NLU components: thin glue between Rasa's graph and `headache_core`.

Rasa imports this package when it loads the model, in the server and in training, so the
speed-up for its tracker loading (see rasa_speedups.py) is installed here.
"""

from components import rasa_speedups

rasa_speedups.install()
