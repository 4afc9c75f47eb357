"""The Rasa server moves the loaded model out of the garbage collector's way once it serves."""

import gc
import types

from rasa.core.processor import MessageProcessor

from rasa_patches import gc_freeze


async def test_the_first_message_freezes_what_is_loaded_once_per_processor(monkeypatch):
    handled = []

    async def rasas_handle_message(processor, message):
        handled.append(message)
        return [{"text": "reply"}]

    monkeypatch.setattr(gc_freeze, "_handle_message", rasas_handle_message)
    gc.unfreeze()
    model = [[] for _ in range(1000)]  # stands for the model's objects, tracked by the collector
    processor = types.SimpleNamespace()
    try:
        assert await gc_freeze.handle_message(processor, "hi") == [{"text": "reply"}]
        assert gc.get_freeze_count() >= len(model)
        gc.unfreeze()
        assert await gc_freeze.handle_message(processor, "again") == [{"text": "reply"}]
        assert gc.get_freeze_count() == 0  # the same processor: not frozen again
        await gc_freeze.handle_message(types.SimpleNamespace(), "a new model's first message")
        assert gc.get_freeze_count() >= len(model)
    finally:
        gc.unfreeze()
    assert handled == ["hi", "again", "a new model's first message"]


def test_installed_in_the_processor(rasa_patched):
    assert MessageProcessor.handle_message is gc_freeze.handle_message
