"""The action server: `python -m actions [rasa_sdk options]` (default port 5055).

The screening validators use spaCy; spaCy's `thinc` imports TensorFlow when it is installed
(Rasa installs it), which costs 5 s and 450 MB here for nothing. So this process blocks that
import first (rasa_patches/without_tensorflow, the one home of the TensorFlow avoidance), which
keeps the action server small and quick to start. Nothing in `actions/` or `headache_core/`
uses TF.

Once spaCy is loaded, what is loaded is moved out of the garbage collector's way (`gc.freeze`):
full collections walked it all, 60-80 ms with the server stopped, a few times a second under
10 users (rasa_patches/gc_freeze.py does the same in the Rasa server).
"""

import gc
import sys

from rasa_patches.without_tensorflow import keep_tensorflow_out
from tooling.third_party_warnings import quiet_third_party_warnings

keep_tensorflow_out()  # before rasa_sdk and spaCy load
quiet_third_party_warnings()  # before rasa_sdk's imports raise them

from rasa_sdk.__main__ import main  # noqa: E402  (after the two above)

if __name__ == "__main__":
    import settings
    from headache_core.red_flags.detector import default_detector

    # a bad value stops the start, named, not a patient's first action (insights: not here)
    settings.check(serving=False)

    default_detector()  # load the spaCy pipeline now, not during a patient's first answer
    gc.collect()
    gc.freeze()
    if "--actions" not in sys.argv:
        sys.argv[1:1] = ["--actions", "actions"]
    main()
