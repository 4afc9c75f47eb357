"""The cervicogenic screening: answers in patients' words -> values -> an explained outcome.

No Rasa here: `answers` reads free text, `rules` decides (clinical-reference §1). The Rasa form
and its validators (`actions/`) are thin glue over both.
"""
