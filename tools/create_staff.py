"""Create or reset a staff account in a deployed Yoyaku stack.

    TABLE_NAME=<the stack's TableName output> AWS_REGION=ap-northeast-1 \\
        PYTHONPATH=functions .venv/bin/python -m tools.create_staff --staff-id tanaka --name "田中"

The password is asked for twice and never echoed; only its argon2id hash is stored.
The local runtime creates its demo staff account itself.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from yoyaku.adapters import passwords, staff_store

STAFF_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MIN_PASSWORD = 12


def create(staff_id: str, name: str, password: str) -> None:
    if not STAFF_ID.match(staff_id):
        raise ValueError("staff id: 2-64 lower-case letters, digits and hyphens")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"staff passwords need at least {MIN_PASSWORD} characters")
    staff_store.save(staff_store.StaffAccount(staff_id, name, passwords.hash_password(password)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff-id", required=True)
    parser.add_argument("--name", required=True)
    args = parser.parse_args(argv)
    password = getpass.getpass("password: ")
    if password != getpass.getpass("again: "):
        print("the two passwords differ; nothing was changed", file=sys.stderr)
        return 1
    try:
        create(args.staff_id, args.name, password)
    except ValueError as error:
        print(f"{error}; nothing was changed", file=sys.stderr)
        return 1
    print(f"staff account {args.staff_id} saved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
