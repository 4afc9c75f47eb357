"""Keep Python's full garbage collections short in the Rasa server.

A loaded model is millions of long-lived objects (TensorFlow, spaCy, the graph), and every full
(generation 2) collection walks all of them: measured here, 300-370 ms with the whole server
stopped, twice in a 10-user run of a few seconds, which was the p99 of the load benchmark. None of
those objects becomes garbage while the model serves, so once a model is in use they are moved
to the permanent generation (`gc.freeze`) and later collections walk only what was allocated
since. Garbage is still collected as before. A model loaded later (a new processor) is frozen at
its first message the same way.
"""

import functools
import gc
from typing import Any

from rasa.core.processor import MessageProcessor

FROZEN_ATTRIBUTE = "_gc_frozen"
_handle_message = MessageProcessor.handle_message


@functools.wraps(_handle_message)
async def handle_message(self: MessageProcessor, message: Any) -> Any:
    if not self.__dict__.get(FROZEN_ATTRIBUTE):
        self.__dict__[FROZEN_ATTRIBUTE] = True
        gc.freeze()  # everything the model holds now; cheap (no collection)
    return await _handle_message(self, message)


def install() -> None:
    if MessageProcessor.handle_message is _handle_message:
        MessageProcessor.handle_message = handle_message
