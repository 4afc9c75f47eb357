"""The project's own spaCy pipeline: built from files in the repo, no downloaded model.

spaCy's thinc imports TensorFlow whenever it is installed (Rasa installs it): 5-8 s and about
450 MB for nothing in the project's own commands (`python -m tooling...`, `actions`,
`headache_core...`, `stores...`), which use spaCy but run no Rasa model. Every use of spaCy here
goes through this package, so it keeps TensorFlow out of those commands before spaCy loads;
other processes (Rasa's, pytest) are left alone. The rule and its reasons have one home:
rasa_patches/without_tensorflow.
"""

from rasa_patches.without_tensorflow import keep_tensorflow_out_of_own_commands

keep_tensorflow_out_of_own_commands()
