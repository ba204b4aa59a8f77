#!/usr/bin/env python3
"""Split a perf profile of a backup run into the parts of a user's fixed cost.

Usage: perf-split.py PERF_DATA [--top N]

Reads `perf script` (call graphs recorded with --call-graph dwarf), demangles Swift
names with `swift demangle --simplified` when a toolchain is there, and prints a
markdown table: for each part, the share of all samples whose stack passes through
it (inclusive, so a sample counts in every part on its stack; the parts are ordered
from the outside in), then the top N functions by samples of their own (self).
"""

import argparse
import collections
import re
import shutil
import subprocess
import sys

# (label, regular expression over the demangled frames of one stack). Inclusive.
PARTS = [
    ("whole run (every sample of the process)", r""),
    ("finding the users (Maildir directory scan, users file)", r"discoverUsers|MaildirUsers"),
    ("opening the user's store (UserStore.init)", r"UserStore\.init\(layout"),
    ("- catalog open (GRDB DatabasePool, SQLite open)", r"DatabasePool\.init|sqlite3_open"),
    ("- catalog format check and migration", r"UserStore\.checkFormat"),
    ("- Berkeley DB environment open (DB_ENV->open)", r"__env_open"),
    ("  - of it: DB_REGISTER check of dead processes (__envreg_register)", r"__envreg_register"),
    ("  - of it: recovery (__db_apprec)", r"__db_apprec"),
    ("  - of it: creating and attaching shared regions (__env_attach)", r"__env_attach"),
    ("- writer lock and store directories", r"WriterLock|FileSystem\.makeDirectory|touchPrivateFile"),
    ("closing the store (environment close, region removal)", r"__env_close|__env_remove|removeRegions|__env_refresh"),
    ("reading the source (Maildir listing, IMAP and ManageSieve sessions, NIO)",
     r"MaildirSource|DirectoryReader|NoFollowDirectory|FolderListing|LiveFileReader|IMAP|Sieve|NIO|ByteBuffer|EventLoop"),
    ("settings read", r"[Ss]ettings"),
    ("catalog queries and the run's commit (SQLite)", r"sqlite3_step|sqlite3_prepare"),
    ("Berkeley DB other (checkpoint, file opens)", r"__txn_checkpoint|__db_open|__memp_"),
    ("kernel", r"\[kernel"),
]


def frames_of(perf_data):
    command = ["perf", "script", "-i", perf_data, "-F", "comm,tid,ip,sym,dso", "--no-inline"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, errors="replace")
    stack = []
    for line in process.stdout:
        if not line.strip():
            if stack:
                yield stack
            stack = []
            continue
        if line[0] not in " \t":
            stack = []
            continue
        parts = line.strip().split(" ", 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        match = re.match(r"(.*) \(([^)]*)\)$", rest)
        symbol, dso = (match.group(1), match.group(2)) if match else (rest, "?")
        symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
        stack.append((symbol, dso))
    if stack:
        yield stack
    process.wait()


def demangler(symbols):
    swift = shutil.which("swift") or "/opt/swift/usr/bin/swift"
    names = sorted(symbols)
    try:
        result = subprocess.run([swift, "demangle", "--simplified", "--compact"], input="\n".join(names) + "\n",
                                capture_output=True, text=True, check=True)
        out = result.stdout.split("\n")
        if len(out) >= len(names):
            return dict(zip(names, out))
    except (OSError, subprocess.CalledProcessError):
        pass
    return {name: name for name in names}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("perf_data")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    stacks = list(frames_of(args.perf_data))
    if not stacks:
        sys.exit("perf-split: no samples in " + args.perf_data)
    names = demangler({symbol for stack in stacks for symbol, _ in stack})
    parts = [(label, re.compile(pattern)) for label, pattern in PARTS]
    counts = collections.Counter()
    own = collections.Counter()
    for stack in stacks:
        text = "\n".join(names.get(symbol, symbol) + " " + dso for symbol, dso in stack)
        for label, pattern in parts:
            if pattern.search(text):
                counts[label] += 1
        symbol, dso = stack[0]
        own[(names.get(symbol, symbol)[:90], dso.rsplit("/", 1)[-1])] += 1
    total = len(stacks)
    print(f"| part ({total} samples) | share |\n|---|---:|")
    for label, _ in parts:
        print(f"| {label} | {100 * counts[label] / total:.1f}% |")
    print(f"\n| function (self) | library | share |\n|---|---|---:|")
    for (symbol, dso), count in own.most_common(args.top):
        print(f"| `{symbol.replace('|', '/')}` | {dso} | {100 * count / total:.1f}% |")


if __name__ == "__main__":
    main()
