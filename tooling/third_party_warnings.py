"""Third-party deprecation warnings, filtered where they start: at the servers' entry points
(rasa_server/__main__.py, actions/__main__.py), before the libraries that raise them load.

Sanic turns every DeprecationWarning on when it is imported (sanic/app.py:
`filterwarnings("once", category=DeprecationWarning)`), so each start of the Rasa server and the
action server wrote dozens of other projects' deprecations (distutils, pkg_resources, pyparsing,
click, SQLAlchemy 2.0) into their logs: nothing a clinic or this project can act on, and it hid
what matters. `quiet_third_party_warnings` puts a filter in front of Sanic's that ignores them
when they come from code outside this project; the project's own deprecations and every other
kind of warning (Rasa's about the data or the config) still show. A `-W` option or
PYTHONWARNINGS (`PYTHONWARNINGS=default` shows them all again) is left to rule alone.

Left in the Rasa server's log: pyparsing's deprecations, which are UserWarnings too, and Rasa's
command line puts "show each UserWarning once" in front of every earlier filter when it starts.
"""

import sys
import warnings

# The project's packages (pyproject.toml): a warning raised in one of them is never filtered
OWN_PACKAGES = (
    "actions", "channels", "components", "handoff_delivery", "headache_core", "rasa_patches",
    "rasa_server", "settings", "stores", "tooling", "webapp",
)  # fmt: skip
# A module name outside those (warnings' `module` is a regular expression matched at the start)
THIRD_PARTY = rf"(?!(?:{'|'.join(OWN_PACKAGES)})(?:\.|$))"


def quiet_third_party_warnings() -> None:
    if sys.warnoptions:
        return  # asked for on the command line or in PYTHONWARNINGS: as asked
    import sanic  # noqa: F401  (its filter goes in at import; ours must go in front of it)

    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=THIRD_PARTY)
