#!/usr/bin/env python3
"""Generate a site of many Maildir++ users for the site-scale benchmark.

Users are user00001 ... userNNNNN. Each is a hard-linked copy of one of a few template
Maildirs, chosen deterministically by the user's number: 80% of 30 messages, 15% of 100,
4.95% of 300, and 1 in 2,000 of 10,000. Templates have INBOX, Sent and Archive; messages
are small (about 1-2 KB of text) and unique within a template (distinct Message-ID,
subject and body), so no two items of one user share bytes. Hard links keep the source
small on disk; each user's store still holds its own copy. Pure Python standard library.
"""

import argparse
import os
import random

SIZES = [(30, 0.80), (100, 0.15), (300, 0.0495), (10000, 0.0005)]
FOLDERS = ["", ".Sent", ".Archive"]
END_DATE = 1793491200


def size_of(number):
    if number % 2000 == 0:
        return 10000
    rng = random.Random(number)
    pick = rng.random() * (1 - 0.0005)
    total = 0.0
    for size, share in SIZES[:-1]:
        total += share
        if pick < total:
            return size
    return SIZES[-2][0]


def write_template(path, count):
    rng = random.Random(count)
    for folder in FOLDERS:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(path, folder, sub), exist_ok=True)
        if folder:
            open(os.path.join(path, folder, "maildirfolder"), "w").close()
    for index in range(count):
        folder = FOLDERS[index % len(FOLDERS)]
        date = END_DATE - rng.randrange(3 * 365 * 86400)
        words = " ".join(rng.choice(["mail", "backup", "site", "night", "store", "folder", "brick", "user"]) for _ in range(rng.randrange(120, 260)))
        body = (
            f"From: sender{index % 97}@example.org\r\nTo: user@example.org\r\n"
            f"Subject: message {index} of {count}\r\nMessage-ID: <t{count}.m{index}@bench>\r\n"
            f"Date: {date}\r\n\r\n{words}\r\n"
        )
        name = f"{date}.M{index}P{count}.bench:2,S"
        file = os.path.join(path, folder, "cur", name)
        with open(file, "w") as handle:
            handle.write(body)
        os.utime(file, (date, date))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--users", type=int, default=10000)
    args = parser.parse_args()
    templates = os.path.join(args.out, ".templates")
    for size, _ in SIZES:
        target = os.path.join(templates, str(size))
        if not os.path.isdir(target):
            write_template(target, size)
    users = os.path.join(args.out, "users")
    os.makedirs(users, exist_ok=True)
    counts = {}
    for number in range(1, args.users + 1):
        size = size_of(number)
        counts[size] = counts.get(size, 0) + 1
        target = os.path.join(users, f"user{number:05d}", "Maildir")
        if os.path.isdir(target):
            continue
        source = os.path.join(templates, str(size))
        for root, dirs, files in os.walk(source):
            relative = os.path.relpath(root, source)
            destination = os.path.normpath(os.path.join(target, relative))
            os.makedirs(destination, exist_ok=True)
            for name in files:
                os.link(os.path.join(root, name), os.path.join(destination, name))
    print(" ".join(f"{counts.get(size, 0)}x{size}" for size, _ in SIZES))


if __name__ == "__main__":
    main()
