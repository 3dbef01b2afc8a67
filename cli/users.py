"""Manage the users file: who may sign in, with which role.

Command line::

    python -m cli.users add USERNAME --role silver [--name "J Smith"]   (asks the password)
    python -m cli.users add USERNAME --role silver --password-stdin     (reads it from stdin)
    python -m cli.users add NAME@EXAMPLE.ORG --role opcc --sso          (single sign-on user)
    python -m cli.users remove USERNAME
    python -m cli.users list

The file is ``config/users.json`` (``PRECISION_USERS`` to move it); see :mod:`geo.access`.
Exits 2 with a message on stderr when the file or a value cannot be used.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from geo.access import ROLES, add_user, read_users, remove_user
from geo.errors import PrecisionError


def main(argv: Sequence[str] | None = None) -> int:
    """Manage the users file from the command line."""
    parser = argparse.ArgumentParser(prog="python -m cli.users", description="Manage Precision Hotspots users.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add or replace a user (asks the password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=sorted(ROLES))
    add.add_argument("--name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--sso", action="store_true", help="single sign-on user (the user name is an e-mail address)")
    rm = sub.add_parser("remove", help="remove a user")
    rm.add_argument("username")
    sub.add_parser("list", help="list users (never their hashes)")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            if args.sso:
                password = None
            else:
                password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
            user = add_user(args.username, args.role, password, args.name)
            print(f"added {user.username} ({user.role})")
        elif args.command == "remove":
            print("removed" if remove_user(args.username) else f"no user {args.username}")
        else:
            for u in read_users().values():
                print(f"{u.username}\t{u.role}\t{u.display_name}")
    except (PrecisionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
