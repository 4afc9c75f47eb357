"""Sending the core's fixed messages through Rasa's dispatcher."""

from rasa_sdk.executor import CollectingDispatcher

from headache_core.messages import render


def send(dispatcher: CollectingDispatcher, key: str, **extra: str) -> None:
    reply = render(key, **extra)
    dispatcher.utter_message(text=reply.text, buttons=reply.button_dicts() or None)
