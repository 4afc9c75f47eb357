"""Sending the core's fixed messages through Rasa's dispatcher.

A message may carry a `kind` ("emergency", "urgent", "outcome") and fields beside its text: Rasa
passes them to the output channel as metadata, the website widget renders them (the emergency
message stands out, the outcome is a card), and the other channels ignore them.
"""

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from headache_core.messages import Reply, render


def send(dispatcher: CollectingDispatcher, key: str, kind: str | None = None, **extra: str) -> None:
    send_reply(dispatcher, render(key, **extra), kind=kind)


def send_reply(
    dispatcher: CollectingDispatcher, reply: Reply, kind: str | None = None, **fields: Any
) -> None:
    meta = {"kind": kind, **fields} if kind else {}
    dispatcher.utter_message(text=reply.text, buttons=reply.button_dicts() or None, **meta)
