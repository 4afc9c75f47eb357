"""Starting the Rasa server without TensorFlow when the model does not need it.

`python -m rasa_server run ...` takes exactly `rasa run`'s arguments (lazy_tensorflow.py says
what it changes and why).
"""
