#!/usr/bin/env python3
"""The floor for reading a mailbox over IMAP: one connection, every folder's
EXAMINE and `UID FETCH 1:* BODY.PEEK[]` pipelined at once, literals counted and
thrown away, read in 1 MB chunks. Nothing is parsed beyond what finds the end.
With --write-dir, every message literal is written to a file of its own in DIR
(the floor for a client that stores what it reads, without fsync).

Usage: imap-fetch-floor.py --port N --user NAME --password-file FILE [--host H] [--write-dir DIR]
Prints "messages=N bytes=N folders=N seconds=S" on stdout.
"""

import argparse
import os
import re
import socket
import sys
import time

LITERAL = re.compile(rb"\{(\d+)\+?\}$")
LIST_LINE = re.compile(rb'^\* LIST \(([^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (.*)$')


class Reader:
    """Reads responses; literals are counted, or collected when short (names).

    The buffer is consumed by moving an offset, never by slicing off its head, so
    reading costs one copy per byte whatever the message sizes.
    """

    def __init__(self, sock, write_dir=None):
        self.sock = sock
        self.buf = b""
        self.pos = 0
        self.write_dir = write_dir
        self.written = 0

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        rest = self.buf[self.pos:] if self.pos < len(self.buf) else b""
        self.buf = rest + chunk if rest else chunk
        self.pos = 0

    def line(self):
        """One response line, short literals inlined as quoted strings; returns (line, literal bytes)."""
        parts = []
        literal_bytes = 0
        while True:
            idx = self.buf.find(b"\r\n", self.pos)
            while idx < 0:
                self._fill()
                idx = self.buf.find(b"\r\n", self.pos)
            text = self.buf[self.pos:idx]
            self.pos = idx + 2
            m = LITERAL.search(text)
            if not m:
                parts.append(text)
                return b"".join(parts), literal_bytes
            parts.append(text[: m.start()])
            need = int(m.group(1))
            literal_bytes += need
            keep = need <= 1024
            kept = []
            fd = -1
            if not keep and self.write_dir is not None:
                self.written += 1
                path = os.path.join(self.write_dir, "%d" % self.written)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            while need > 0:
                if self.pos >= len(self.buf):
                    self._fill()
                take = min(need, len(self.buf) - self.pos)
                if keep:
                    kept.append(self.buf[self.pos:self.pos + take])
                elif fd >= 0:
                    view = memoryview(self.buf)[self.pos:self.pos + take]
                    while view:
                        view = view[os.write(fd, view):]
                self.pos += take
                need -= take
            if fd >= 0:
                os.close(fd)
            if keep:
                parts.append(quote(b"".join(kept)))


def quote(name):
    return b'"' + name.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def unquote(token):
    token = token.strip()
    if token.startswith(b'"') and token.endswith(b'"'):
        return re.sub(rb"\\(.)", rb"\1", token[1:-1])
    return token


def command(sock, reader, tag, text):
    sock.sendall(tag + b" " + text + b"\r\n")
    lines = []
    while True:
        line, _ = reader.line()
        if line.startswith(tag + b" "):
            if not line.startswith(tag + b" OK"):
                raise RuntimeError("%s failed: %s" % (text[:40], line.decode("utf-8", "replace")))
            return lines
        lines.append(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--write-dir", help="write each message to a file in this directory (created)")
    args = parser.parse_args()
    with open(args.password_file, "rb") as f:
        password = f.read().rstrip(b"\r\n")

    started = time.monotonic()
    sock = socket.create_connection((args.host, args.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    if args.write_dir:
        os.makedirs(args.write_dir, exist_ok=True)
    reader = Reader(sock, args.write_dir)
    greeting, _ = reader.line()
    if not greeting.startswith(b"* OK"):
        sys.exit("unexpected greeting: %r" % greeting)
    command(sock, reader, b"L", b"LOGIN " + quote(args.user.encode()) + b" " + quote(password))

    folders = []
    for line in command(sock, reader, b"F", b'LIST "" "*"'):
        m = LIST_LINE.match(line)
        if m and b"\\noselect" not in m.group(1).lower() and b"\\nonexistent" not in m.group(1).lower():
            folders.append(unquote(m.group(2)))

    pipeline = []
    for i, name in enumerate(folders):
        pipeline.append(b"E%d EXAMINE %s\r\n" % (i, quote(name)))
        pipeline.append(b"B%d UID FETCH 1:* BODY.PEEK[]\r\n" % i)
    sock.sendall(b"".join(pipeline))

    messages = 0
    total = 0
    last = b"B%d " % (len(folders) - 1) if folders else None
    while last is not None:
        line, nbytes = reader.line()
        if nbytes:
            messages += 1
            total += nbytes
        elif line[:1] in (b"E", b"B") and b" OK" not in line[:12]:
            sys.exit("failed: %s" % line.decode("utf-8", "replace"))
        if line.startswith(last):
            break
    command(sock, reader, b"Z", b"LOGOUT")
    sock.close()
    print("messages=%d bytes=%d folders=%d seconds=%.2f" % (messages, total, len(folders), time.monotonic() - started))


if __name__ == "__main__":
    main()
