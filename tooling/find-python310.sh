#!/usr/bin/env bash
# Prints a Python 3.10 interpreter (Rasa Open Source 3.6 runs on Python <= 3.10).
# Order: $PYTHON310, python3.10 on PATH (if it really runs), pyenv's versions.
set -u
for candidate in "${PYTHON310:-}" python3.10; do
  [ -n "$candidate" ] || continue
  if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    command -v "$candidate"; exit 0
  fi
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for candidate in "$root"/versions/3.10*/bin/python3.10; do
  if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
echo "error: Python 3.10 not found; install it (e.g. 'pyenv install 3.10') or set PYTHON310" >&2
exit 1
