"""`python -m rasa_patches`: each patch's recorded source hashes against the installed Rasa's.

After checking a patch against a new Rasa, the `found` column is what manifest.py records.
"""

import sys

import rasa

from rasa_patches.guard import sha256_of
from rasa_patches.manifest import PATCHES, RASA_VERSION


def main() -> int:
    print(f"Rasa {rasa.__version__} installed; patches written against {RASA_VERSION}")
    changed = 0
    for patch in PATCHES:
        for replaced in patch.replaces:
            found = sha256_of(replaced.module, replaced.qualname)
            same = found == replaced.sha256
            changed += not same
            mark = "same" if same else f"CHANGED, found {found}"
            print(f"{patch.name:24} {replaced.module}.{replaced.qualname}: {mark}")
    return 1 if changed or rasa.__version__ != RASA_VERSION else 0


if __name__ == "__main__":
    sys.exit(main())
