"""`python -m rasa_server <rasa command> [options]`: Rasa's own command line, patched.

Takes exactly the `rasa` command's arguments (`run`, `train`, `test core`, `shell`, ...) and
installs the project's Rasa patches first (rasa_patches/; RASA_PATCHES=off runs stock Rasa).
The server, training, the conversation tests and the shell all start Rasa through here.
"""

import sys

import rasa_patches
import settings
from tooling.third_party_warnings import quiet_third_party_warnings

quiet_third_party_warnings()  # before Rasa's imports (the patches' too) raise them

rasa_patches.install()  # before Rasa's command line imports its server modules

from rasa.__main__ import main  # noqa: E402  (after the patches, the TensorFlow deferral first)

if __name__ == "__main__":
    # a bad value stops the start, named, before Rasa loads a model; only the server (`run`)
    # records insights, so only it needs values that go together (INSIGHTS_KEY)
    settings.check(serving=sys.argv[1:2] == ["run"])
    main()
