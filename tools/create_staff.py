"""Create or reset a staff account in a deployed Yoyaku stack.

    TABLE_NAME=<the stack's TableName output> AWS_REGION=ap-northeast-1 \\
        .venv/bin/python -m tools.create_staff \\
        --staff-id tanaka --name "田中" --role reviewer

The role decides what the member may do (docs/api.md, "Staff roles"): `reviewer`,
`facility_manager` or `administrator`. Running it again for the same id replaces the
name, role and password. The password is asked for twice and never echoed; only its
argon2id hash is stored. The local runtime creates its demo staff accounts itself.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from yoyaku.adapters import passwords, staff_store
from yoyaku.domain.staff import Role

STAFF_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MIN_PASSWORD = 12


def create(staff_id: str, name: str, password: str, role: Role) -> None:
    if not STAFF_ID.match(staff_id):
        raise ValueError("staff id: 2-64 lower-case letters, digits and hyphens")
    if not name.strip():
        raise ValueError("a name is needed: records and screens show who acted")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"staff passwords need at least {MIN_PASSWORD} characters")
    staff_store.save(
        staff_store.StaffAccount(staff_id, name.strip(), passwords.hash_password(password), role)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff-id", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    args = parser.parse_args(argv)
    password = getpass.getpass("password: ")
    if password != getpass.getpass("again: "):
        print("the two passwords differ; nothing was changed", file=sys.stderr)
        return 1
    try:
        create(args.staff_id, args.name, password, Role(args.role))
    except ValueError as error:
        print(f"{error}; nothing was changed", file=sys.stderr)
        return 1
    print(f"staff account {args.staff_id} saved ({args.role})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
