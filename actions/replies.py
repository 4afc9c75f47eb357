"""Sending the core's fixed messages through Rasa's dispatcher."""

from rasa_sdk.executor import CollectingDispatcher

from headache_core.messages import Reply, render


def send(dispatcher: CollectingDispatcher, key: str, **extra: str) -> None:
    send_reply(dispatcher, render(key, **extra))


def send_reply(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.button_dicts() or None)
