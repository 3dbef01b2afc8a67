"""Manage the users file: who may sign in, with which role.

Command line::

    python -m cli.users add USERNAME --role silver [--name "J Smith"]   (asks the password)
    python -m cli.users add USERNAME --role silver --password-stdin     (reads it from stdin)
    python -m cli.users add NAME@EXAMPLE.ORG --role opcc --sso          (single sign-on user)
    python -m cli.users edit USERNAME [--role opcc] [--name "J Smith"] [--reset-password [--password-stdin]]
    python -m cli.users remove USERNAME [--yes]                         (asks to confirm without --yes)
    python -m cli.users list

``add`` never replaces an account (edit it instead). The file is ``config/users.json``
(``PRECISION_USERS`` to move it); see :mod:`security.users`. Every change is written to the
audit log (``user_add``, ``user_edit``, ``user_remove``) under the operating-system user
who ran the command. Exits 2 with a message on stderr when the file or a value cannot be
used, or a change is refused; exits 1 when a removal is not confirmed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from core.errors import PrecisionError
from security import audit
from security.policy import ROLES
from security.users import add_user, read_users, remove_user, update_user


def _password(from_stdin: bool) -> str:
    """A password from standard input's first line, or asked for without echo."""
    return sys.stdin.readline().rstrip("\n") if from_stdin else getpass.getpass("Password: ")


def main(argv: Sequence[str] | None = None) -> int:
    """Manage the users file from the command line."""
    parser = argparse.ArgumentParser(prog="python -m cli.users", description="Manage Precision Hotspots users.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a new user (asks the password); never replaces one")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=sorted(ROLES))
    add.add_argument("--name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--sso", action="store_true", help="single sign-on user (the user name is an e-mail address)")
    edit = sub.add_parser("edit", help="change a user's role, display name or password")
    edit.add_argument("username")
    edit.add_argument("--role", choices=sorted(ROLES))
    edit.add_argument("--name")
    edit.add_argument("--reset-password", action="store_true", help="set a new password (asked, or --password-stdin)")
    edit.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    rm = sub.add_parser("remove", help="remove a user (asks to confirm)")
    rm.add_argument("username")
    rm.add_argument("--yes", action="store_true", help="do not ask to confirm")
    sub.add_parser("list", help="list users (never their hashes)")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            password = None if args.sso else _password(args.password_stdin)
            user = add_user(args.username, args.role, password, args.name)
            audit.record_cli("user_add", user.username, {"role": user.role, "sso": args.sso})
            print(f"added {user.username} ({user.role})")
        elif args.command == "edit":
            password = _password(args.password_stdin) if args.reset_password else None
            change = update_user(args.username, role=args.role, display_name=args.name, password=password)
            audit.record_cli("user_edit", change.after.username, {"changes": list(change.changes)})
            print(f"changed {change.after.username}: {', '.join(change.changes)}")
        elif args.command == "remove":
            name = args.username.strip().lower()
            if name not in read_users():
                print(f"no user {name}")
            elif not args.yes and input(f"Remove {name}? Type yes to confirm: ").strip().lower() != "yes":
                print("not removed")
                return 1
            else:
                removed = remove_user(name)
                if removed is not None:
                    audit.record_cli("user_remove", name, {"role": removed.role})
                print("removed" if removed is not None else f"no user {name}")
        else:
            for u in read_users().values():
                print(f"{u.username}\t{u.role}\t{u.display_name}")
    except (PrecisionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
