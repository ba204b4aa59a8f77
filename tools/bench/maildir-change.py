#!/usr/bin/env python3
"""Change a share of a Maildir++ mailbox in place, deterministically, as a day of
mail use would (the Maildir twin of imap-change.py): flag changes (60% of the
changes, a file renamed to other flags), new messages (20%, a copy of an existing
message with one more header line, so its bytes and size are realistic and its
digest is new) and deletions (20%, a file removed). Safe on a hard-linked copy of
a corpus: it renames, removes and creates links, never writes into a file.

Usage: maildir-change.py MAILDIR [--percent 1] [--seed 1]
Prints "flags=N new=N deleted=N new_bytes=B" on stdout.
"""

import argparse
import os
import random


def message_files(root):
    files = []
    for folder in sorted(os.listdir(root)):
        base = root if folder in ("cur", "new", "tmp") else os.path.join(root, folder)
        if folder in ("new", "tmp") or not os.path.isdir(base):
            continue
        if folder != "cur" and not folder.startswith("."):
            continue
        cur = os.path.join(base, "cur")
        if os.path.isdir(cur):
            files.extend(os.path.join(cur, name) for name in sorted(os.listdir(cur)))
    return files


def with_flags(path, flags):
    directory, name = os.path.split(path)
    stem = name.split(":2,")[0]
    return os.path.join(directory, f"{stem}:2,{flags}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("maildir")
    parser.add_argument("--percent", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    files = message_files(args.maildir)
    changes = max(1, round(len(files) * args.percent / 100))
    picked = rng.sample(files, min(len(files), changes))
    flags = picked[: changes * 6 // 10]
    new = picked[len(flags): len(flags) + changes // 5]
    deleted = picked[len(flags) + len(new):]
    for path in flags:
        current = path.split(":2,")[-1]
        os.rename(path, with_flags(path, "".join(sorted(set(current) ^ {"F"})) or "S"))
    new_bytes = 0
    for number, path in enumerate(new):
        with open(path, "rb") as handle:
            body = handle.read()
        copy = f"X-Bench-Change: {args.seed}.{number}\r\n".encode() + body
        directory = os.path.join(os.path.dirname(os.path.dirname(path)), "new")
        name = f"1800000000.B{args.seed}N{number}.bench"
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(copy)
        new_bytes += len(copy)
    for path in deleted:
        os.remove(path)
    print(f"flags={len(flags)} new={len(new)} deleted={len(deleted)} new_bytes={new_bytes}")


if __name__ == "__main__":
    main()
