""" "Forget me": the one name the action server and the Rasa process agree on.

`action_forget_me` (actions/privacy.py) sets this slot when it deletes; the tracker store
(stores/tracker_store.py) erases the conversation when it saves that event. The two run in
different processes, so the name lives here, and domain.yml declares it
(tests/unit/test_privacy.py).
"""

FORGOTTEN_SLOT = "conversation_forgotten"
