"""Make a FRONTDESK_PASSWORD_HASH value: `python -m webapp.frontdesk.hash_password`.

Asks for the password twice without echoing it (or reads one line from stdin when piped) and
prints the hash; put it in the environment as FRONTDESK_PASSWORD_HASH.
"""

from __future__ import annotations

import getpass
import sys

from webapp.frontdesk.passwords import hash_password

MIN_LENGTH = 10


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Front-desk password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("The two passwords differ; nothing printed.")
    return first


def main() -> int:
    password = read_password()
    if len(password) < MIN_LENGTH:
        print(f"Use at least {MIN_LENGTH} characters.", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
