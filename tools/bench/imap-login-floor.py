#!/usr/bin/env python3
"""The floor of a no-change night over IMAP: what the server costs for each user
when a client does the least a backup must do. For every user, with W users at a
time: an IMAP connection logged in through the master user (SASL PLAIN with the
user as authorization id), ENABLE QRESYNC, LIST, SELECT (CONDSTORE) of every
folder, LOGOUT; with --sieve-port, a ManageSieve connection logged in the same
way, LISTSCRIPTS, LOGOUT. Nothing is fetched.

Usage: imap-login-floor.py --port N --users-file FILE --admin-user NAME
                           --password-file FILE [--sieve-port N] [--workers W]
Prints "users=N failures=N folders=N seconds=S" on stdout.
"""

import argparse
import base64
import imaplib
import re
import socket
import sys
import threading
import time

LIST_NAME = re.compile(rb'^\(([^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (.*)$')


def plain(user, admin, password):
    return f"{user}\0{admin}\0{password}".encode()


def imap_user(host, port, user, admin, password):
    """One user's IMAP session; returns the number of folders selected."""
    conn = imaplib.IMAP4(host, port)
    try:
        conn.authenticate("PLAIN", lambda _: plain(user, admin, password))
        conn.enable("QRESYNC")
        _, lines = conn.list()
        folders = 0
        for line in lines:
            if not isinstance(line, bytes):
                continue
            match = LIST_NAME.match(line)
            if not match or b"\\Noselect" in match.group(1):
                continue
            name = match.group(2).decode()
            typ, _ = conn.select(name if name.startswith('"') else f'"{name}"', readonly=True)
            if typ == "OK":
                folders += 1
        conn.logout()
        return folders
    finally:
        try:
            conn.shutdown()
        except OSError:
            pass


def sieve_user(host, port, user, admin, password):
    """One user's ManageSieve session: login, LISTSCRIPTS, LOGOUT."""
    with socket.create_connection((host, port)) as sock:
        reader = sock.makefile("rb")

        def until_ok():
            while True:
                line = reader.readline()
                if not line:
                    raise ConnectionError("ManageSieve closed the connection")
                if line.startswith((b"OK", b"NO", b"BYE")):
                    if not line.startswith(b"OK"):
                        raise ConnectionError(line.decode(errors="replace").strip())
                    return

        until_ok()
        token = base64.b64encode(plain(user, admin, password)).decode()
        sock.sendall(f'AUTHENTICATE "PLAIN" "{token}"\r\n'.encode())
        until_ok()
        sock.sendall(b"LISTSCRIPTS\r\n")
        until_ok()
        sock.sendall(b"LOGOUT\r\n")
        until_ok()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sieve-port", type=int)
    parser.add_argument("--users-file", required=True)
    parser.add_argument("--admin-user", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("imap-login-floor.py: loopback only")
    with open(args.password_file) as f:
        password = f.readline().rstrip("\n")
    with open(args.users_file) as f:
        users = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    lock = threading.Lock()
    state = {"next": 0, "failures": 0, "folders": 0}

    def worker():
        while True:
            with lock:
                if state["next"] >= len(users):
                    return
                user = users[state["next"]]
                state["next"] += 1
            try:
                folders = imap_user(args.host, args.port, user, args.admin_user, password)
                if args.sieve_port:
                    sieve_user(args.host, args.sieve_port, user, args.admin_user, password)
                with lock:
                    state["folders"] += folders
            except (OSError, imaplib.IMAP4.error, ConnectionError) as error:
                print(f"{user}: {error}", file=sys.stderr)
                with lock:
                    state["failures"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    print(f"users={len(users)} failures={state['failures']} folders={state['folders']} seconds={seconds:.1f}")
    return 1 if state["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
