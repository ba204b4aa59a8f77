#!/usr/bin/env python3
"""Change a share of a user's mailbox over IMAP, deterministically, as a day of
mail use would: flag changes (60% of the changes), new messages (20%) and
expunges (20%), spread over the folders in proportion to their size. A new
message is a copy of a message of the mailbox picked at random, with one more
header line (as maildir-change.py makes them), so new mail follows the
corpus's own size distribution and its digest is new. With
--move, MOVE that share of the messages to another folder instead (as a user
filing mail, or an administrator reorganizing folders).

Usage: imap-change.py --port N --user NAME --password-file FILE [--percent 1] [--seed 1] [--move]
Prints "flags=N new=N expunged=N new_bytes=B", or "moved=N bytes=B", on stdout.
"""

import argparse
import imaplib
import random
import re

LIST_LINE = re.compile(rb'^\(([^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (.*)$')


def folder_names(imap):
    status, data = imap.list()
    if status != "OK":
        raise SystemExit("LIST failed")
    names = []
    for item in data:
        if isinstance(item, tuple):  # a literal mailbox name
            flags_part, name = item[0], item[1]
            if b"\\noselect" in flags_part.lower():
                continue
            names.append(name.decode())
            continue
        m = LIST_LINE.match(item)
        if not m or b"\\noselect" in m.group(1).lower():
            continue
        name = m.group(2)
        if name.startswith(b'"'):
            name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
        names.append(name.decode())
    return names


def quoted(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch_message(imap, name, uid):
    """The bytes and INTERNALDATE of one message, without setting \\Seen."""
    imap.select(quoted(name), readonly=True)
    status, data = imap.uid("FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])")
    for item in data:
        if isinstance(item, tuple):
            return item[1], imaplib.Internaldate2tuple(item[0])
    raise SystemExit("FETCH of %s UID %d failed" % (name, uid))


def new_message(original, seed, n):
    """A copy of `original` with one more header line: realistic bytes, a new digest."""
    return ("X-Bench-Change: %d.%d\r\n" % (seed, n)).encode() + original


def move(imap, rng, uids, count):
    """MOVEs `count` messages, picked uniformly, each to another folder."""
    everything = [(name, uid) for name in sorted(uids) for uid in uids[name]]
    folders = sorted(uids)
    by_folder = {}
    for name, uid in rng.sample(everything, min(len(everything), count)):
        target = rng.choice([f for f in folders if f != name])
        by_folder.setdefault((name, target), []).append(uid)
    moved = size = 0
    for (name, target), picked in sorted(by_folder.items()):
        imap.select(quoted(name))
        uid_set = ",".join(str(u) for u in sorted(picked))
        status, data = imap.uid("FETCH", uid_set, "(RFC822.SIZE)")
        for item in data:
            m = re.search(rb"RFC822\.SIZE (\d+)", item if isinstance(item, bytes) else item[0])
            if m:
                size += int(m.group(1))
        status, _ = imap.uid("MOVE", uid_set, quoted(target))
        if status != "OK":
            raise SystemExit("MOVE to %s failed" % target)
        moved += len(picked)
    imap.logout()
    print("moved=%d bytes=%d" % (moved, size))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--percent", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--move", action="store_true")
    args = parser.parse_args()
    with open(args.password_file) as f:
        password = f.read().rstrip("\r\n")

    rng = random.Random(args.seed)
    imap = imaplib.IMAP4(args.host, args.port)
    imap.login(args.user, password)

    uids = {}
    for name in folder_names(imap):
        status, _ = imap.select(quoted(name))
        if status != "OK":
            continue
        status, data = imap.uid("SEARCH", "ALL")
        uids[name] = [int(u) for u in data[0].split()] if status == "OK" and data[0] else []
    total = sum(len(v) for v in uids.values())
    changes = max(1, round(total * args.percent / 100))
    if args.move:
        move(imap, rng, uids, changes)
        return
    n_flags = round(changes * 0.6)
    n_new = round(changes * 0.2)
    n_expunge = max(0, changes - n_flags - n_new)

    # Pick messages across all folders, uniformly over messages.
    everything = [(name, uid) for name in sorted(uids) for uid in uids[name]]
    picked = rng.sample(everything, min(len(everything), n_flags + n_expunge + n_new))
    flag_picks, expunge_picks = picked[:n_flags], picked[n_flags:n_flags + n_expunge]
    # The originals of the new messages, read before anything is expunged.
    originals = [fetch_message(imap, name, uid) for name, uid in picked[n_flags + n_expunge:]]

    by_folder = {}
    for name, uid in flag_picks:
        by_folder.setdefault(name, ([], []))[0].append(uid)
    for name, uid in expunge_picks:
        by_folder.setdefault(name, ([], []))[1].append(uid)
    for name in sorted(by_folder):
        flag_uids, expunge_uids = by_folder[name]
        imap.select(quoted(name))
        for uid in flag_uids:
            r = rng.random()
            if r < 0.4:
                imap.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Flagged)")
            elif r < 0.7:
                imap.uid("STORE", str(uid), "-FLAGS.SILENT", "(\\Seen)")
            elif r < 0.9:
                imap.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Answered \\Seen)")
            else:
                imap.uid("STORE", str(uid), "+FLAGS.SILENT", "($Label1)")
        if expunge_uids:
            uid_set = ",".join(str(u) for u in sorted(expunge_uids))
            imap.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Deleted)")
            imap.uid("EXPUNGE", uid_set)

    folders = sorted(uids)
    weights = [len(uids[f]) + 1 for f in folders]
    new_bytes = 0
    for i, (original, date) in enumerate(originals):
        folder = rng.choices(folders, weights=weights)[0]
        data = new_message(original, args.seed, i)
        flags = "(\\Seen)" if rng.random() < 0.5 else "()"
        imap.append(quoted(folder), flags, date, data)
        new_bytes += len(data)

    imap.logout()
    print("flags=%d new=%d expunged=%d new_bytes=%d" % (len(flag_picks), len(originals), len(expunge_picks), new_bytes))


if __name__ == "__main__":
    main()
