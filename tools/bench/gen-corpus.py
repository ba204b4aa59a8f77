#!/usr/bin/env python3
"""Generate a deterministic, realistic mail corpus as a Maildir++ tree.

The same --messages/--folders/--seed always give the same files, byte for byte,
with the same names and modification times, so benchmarks on different machines
and days read the same data.

Size mix (the benchmark issues' corpus): about 75% plain text 2-10 KB, 25% with
base64 attachments 30-300 KB (skewed to the small end, mean about 60 KB), 0.1%
of 1-3 MB. 100,000 messages come to about 2.2 GB. Headers: From/To/Cc/Subject
(some RFC 2047 encoded), Date, Message-ID, In-Reply-To/References on replies,
Received, MIME structure. Senders: about 500 addresses over 50 domains. Dates
spread over three years ending 2026-11-01; each file's mtime is its message's
date (Dovecot's internal date). Flags S, RS, F/FS random, some unseen, 1% in
new/. Pure Python standard library.
"""

import argparse
import base64
import os
import random
import sys
import time

END_DATE = 1793491200  # 2026-11-01 00:00:00 UTC: fixed, so the corpus does not depend on today.
SPAN = 3 * 365 * 86400
HOST = "bench-host"
USER_ADDRESS = "bench.user@example.org"

FIRST_NAMES = [
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas",
    "Karin", "Lukas", "Marie", "Noah", "Olga", "Paul", "Quentin", "Rosa", "Simon", "Tina",
    "Ulla", "Viktor", "Wanda", "Xaver", "Yvonne", "Zoe", "Jürgen", "José", "Zoë", "Łukasz",
    "Søren", "Ángel", "François", "Chloé", "Björn", "Dörte", "İlker", "Małgorzata",
    "Ñuño", "Renée",
]
LAST_NAMES = [
    "Schmidt", "Meyer", "Martin", "Bernard", "Rossi", "Russo", "García", "Fernández",
    "Nowak", "Kowalski", "Jensen", "Nielsen", "Smith", "Jones", "Brown", "Taylor",
    "Müller", "Weiß", "Dupont", "Lefèvre", "Ødegaard", "Öztürk", "Novák", "Horváth",
    "Papadopoulos", "O'Brien", "van Dijk", "de Vries", "Costa", "Silva",
]
WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when "
    "if so no will what up out about who them some could into more time only new may "
    "other these then two like over such also after first any just how most where well "
    "report budget meeting schedule project release backup server mailbox folder invoice "
    "contract review draft agenda minutes quarter figures customer support ticket update "
    "deadline proposal migration storage restore database network upgrade holiday travel "
    "Montag Dienstag Besprechung Rechnung réunion facture après-midi déjà naïve café "
    "señor año mañana Übergabe Größe straße"
).split()
SUBJECTS = [
    "Quarterly report", "Meeting notes", "Re: budget 2025", "Invoice {n}", "Your order {n}",
    "Project status", "Server migration plan", "Holiday schedule", "Contract draft v{n}",
    "Fwd: customer feedback", "Backup failed on host{n}", "Weekly digest", "Agenda for Monday",
    "Re: Re: release checklist", "Photos from the trip", "Travel booking {n}",
    "Besprechung am Dienstag", "Réunion d'équipe", "Facture n° {n}", "Año nuevo",
    "Größenänderung der Mailbox", "Übergabeprotokoll", "Café à 15h ?", "Ticket #{n} updated",
]
ATTACHMENTS = [
    ("application/pdf", "report.pdf"),
    ("application/pdf", "Rechnung-{n}.pdf"),
    ("image/jpeg", "IMG_{n}.jpg"),
    ("image/png", "screenshot-{n}.png"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "figures-Q{q}.xlsx"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Vertrag-Entwurf.docx"),
    ("application/zip", "logs-{n}.zip"),
    ("application/pdf", "Réunion-compte-rendu.pdf"),
]
MAILERS = ["Mozilla Thunderbird", "Microsoft Outlook 16.0", "Apple Mail (2.3696)", "Roundcube Webmail", "mutt/2.2.9"]
TZ = ["+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900"]
DAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Maildir++ folder names (modified UTF-7 on disk, "." separates levels).
FOLDER_POOL = [
    "Sent", "Archive", "Archive.2024", "Archive.2025", "Projects", "Projects.Brick",
    "Lists", "Lists.debian-devel", "Trash", "Junk", "R&AOk-unions", "Invoices",
    "Customers", "Customers.ACME", "Travel", "Drafts", "Lists.dovecot", "Family",
    "Archive.2024.Q1", "Bulk Mail",
]


def rfc2047_b(text, charset="UTF-8"):
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode("ascii"))


def rfc2047_q(text):
    out = []
    for byte in text.encode("iso-8859-1", "replace"):
        c = chr(byte)
        if c == " ":
            out.append("_")
        elif c.isalnum() and byte < 128:
            out.append(c)
        else:
            out.append("=%02X" % byte)
    return "=?ISO-8859-1?Q?%s?=" % "".join(out)


def encode_phrase(text, rng):
    """A display name or subject as a mail client would write it."""
    if all(ord(c) < 128 for c in text):
        if any(c in text for c in "',.") and rng.random() < 0.9:
            return '"%s"' % text.replace('"', "")
        return text
    if rng.random() < 0.5 and all(ord(c) < 256 for c in text):
        return rfc2047_q(text)
    return rfc2047_b(text)


def ascii_fold(text):
    table = {"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss", "é": "e", "è": "e", "ë": "e",
             "á": "a", "Á": "a", "ñ": "n", "Ñ": "n", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o",
             "Ö": "o", "Ü": "u", "ç": "c", "İ": "i", "ß ": "ss", "'": "", " ": ""}
    return "".join(table.get(c, c) for c in text).encode("ascii", "ignore").decode().lower()


def make_people(rng):
    domains = []
    stems = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell",
             "cyberdyne", "soylent", "wonka", "gringotts", "oscorp", "vandelay", "prestige",
             "monarch", "aperture", "blackmesa", "duff", "krusty", "massive", "nakatomi",
             "octan", "pied", "rekall"]
    tlds = ["com", "org", "de", "fr", "net", "io", "co.uk", "es", "nl", "pl"]
    while len(domains) < 50:
        d = "%s.%s" % (rng.choice(stems), rng.choice(tlds))
        if rng.random() < 0.3:
            d = "mail." + d
        if d not in domains:
            domains.append(d)
    people = []
    seen = set()
    while len(people) < 500:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        domain = rng.choice(domains)
        local = "%s.%s" % (ascii_fold(first), ascii_fold(last))
        if rng.random() < 0.2:
            local = ascii_fold(first)[0] + ascii_fold(last)
        address = "%s@%s" % (local, domain)
        if address in seen:
            continue
        seen.add(address)
        people.append(("%s %s" % (first, last), address))
    return people


class Pools:
    """Reusable random payloads: text paragraphs and base64 lines sliced per message."""

    def __init__(self, rng):
        self.paragraphs = []
        for _ in range(3000):
            n = rng.randint(12, 90)
            words = [rng.choice(WORDS) for _ in range(n)]
            words[0] = words[0].capitalize()
            line, lines = [], []
            width = 0
            for w in words:
                if width + len(w) + 1 > 72:
                    lines.append(" ".join(line))
                    line, width = [], 0
                line.append(w)
                width += len(w) + 1
            lines.append(" ".join(line) + ".")
            self.paragraphs.append(("\n".join(lines) + "\n\n").encode("utf-8"))
        raw = rng.randbytes(3 * 1024 * 1024 + 512 * 1024)
        self.b64 = base64.encodebytes(raw)  # 76 characters + "\n" per line
        self.line = 77
        self.lines = len(self.b64) // self.line

    def text(self, rng, size):
        parts, total = [], 0
        paragraphs = self.paragraphs
        while total < size:
            p = paragraphs[rng.randrange(len(paragraphs))]
            parts.append(p)
            total += len(p)
        return b"".join(parts)

    def base64(self, rng, size):
        nlines = max(1, size // self.line)
        if nlines >= self.lines:
            nlines = self.lines - 1
        start = rng.randrange(self.lines - nlines) * self.line
        return self.b64[start:start + nlines * self.line]


def rfc2822_date(ts, tz):
    sign = 1 if tz[0] == "+" else -1
    offset = sign * (int(tz[1:3]) * 3600 + int(tz[3:5]) * 60)
    t = time.gmtime(ts + offset)
    return "%s, %d %s %d %02d:%02d:%02d %s" % (
        DAY[t.tm_wday], t.tm_mday, MON[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min, t.tm_sec, tz)


def pick_size_class(rng, heavy=False):
    """Mail profile "mixed" (default): 0.1% 1-3 MB, 25% 30-300 KB with attachments, the
    rest 2-10 KB. Profile "heavy": 5% 1-3 MB, 25% 30-300 KB, 70% 2-10 KB."""
    r = rng.random()
    if r < (0.05 if heavy else 0.001):
        return "huge"
    if r < (0.30 if heavy else 0.251):
        return "attachment"
    return "text"


def make_message(rng, pools, people, index, ts, recent_ids, heavy=False):
    sender_name, sender = people[int(len(people) * rng.random() ** 1.5)]  # a few senders write most mail
    tz = rng.choice(TZ)
    n = rng.randint(100, 99999)
    subject = rng.choice(SUBJECTS).format(n=n)
    msgid = "<%08x.%d@%s>" % (rng.getrandbits(32), index, sender.split("@", 1)[1])
    size_class = pick_size_class(rng, heavy)

    headers = [
        "Return-Path: <%s>" % sender,
        "Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\n\tby mail.example.org (Postfix) with ESMTPS id %X\n\tfor <%s>; %s"
        % (n % 3, sender.split("@", 1)[1], n % 3, sender.split("@", 1)[1], n % 250 + 1,
           rng.getrandbits(40), USER_ADDRESS, rfc2822_date(ts, "+0000")),
        "From: %s <%s>" % (encode_phrase(sender_name, rng), sender),
    ]
    to = ["%s <%s>" % (encode_phrase("Bench User", rng), USER_ADDRESS)]
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        name, addr = rng.choice(people)
        to.append("%s <%s>" % (encode_phrase(name, rng), addr))
    headers.append("To: " + ",\n\t".join(to))
    if rng.random() < 0.3:
        cc = []
        for _ in range(rng.randint(1, 4)):
            name, addr = rng.choice(people)
            cc.append("%s <%s>" % (encode_phrase(name, rng), addr))
        headers.append("Cc: " + ",\n\t".join(cc))
    if subject.startswith("Re:") or (recent_ids and rng.random() < 0.2):
        if not subject.startswith("Re:"):
            subject = "Re: " + subject
        if recent_ids:
            parent = recent_ids[rng.randrange(len(recent_ids))]
            headers.append("In-Reply-To: " + parent)
            headers.append("References: " + parent)
    headers.append("Subject: " + encode_phrase(subject, rng) if any(ord(c) > 127 for c in subject) else "Subject: " + subject)
    headers.append("Date: " + rfc2822_date(ts, tz))
    headers.append("Message-ID: " + msgid)
    headers.append("MIME-Version: 1.0")
    headers.append("X-Mailer: " + rng.choice(MAILERS))

    if size_class == "text":
        target = int(2048 * 5 ** rng.random())  # 2-10 KB, log-uniform
        body = pools.text(rng, max(200, target - 900))
        if rng.random() < 0.7:
            headers.append("Content-Type: text/plain; charset=utf-8; format=flowed")
            headers.append("Content-Transfer-Encoding: 8bit")
            payload = body
        else:
            boundary = "----=_Part_%d_%08x" % (index, rng.getrandbits(32))
            headers.append('Content-Type: multipart/alternative;\n\tboundary="%s"' % boundary)
            half = body[: len(body) // 2]
            html = b"<html><body><p>" + half.replace(b"\n\n", b"</p>\n<p>") + b"</p></body></html>\n"
            payload = b"".join([
                b"This is a multi-part message in MIME format.\n\n--", boundary.encode(), b"\n",
                b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n", half, b"\n--",
                boundary.encode(), b"\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n",
                html, b"\n--", boundary.encode(), b"--\n"])
    else:
        if size_class == "huge":
            target = int(1024 * 1024 * (1 + 2 * rng.random()))  # 1-3 MB
        else:
            target = int(30 * 1024 * 10 ** (rng.random() ** 4))  # 30-300 KB, mean about 60 KB
        boundary = "------------%024d" % rng.getrandbits(64)
        headers.append('Content-Type: multipart/mixed;\n\tboundary="%s"' % boundary)
        text = pools.text(rng, rng.randint(300, 3000))
        parts = [b"This is a multi-part message in MIME format.\n--", boundary.encode(),
                 b"\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n", text]
        nattach = 1 if size_class == "attachment" or rng.random() < 0.5 else rng.randint(2, 3)
        remaining = max(4096, target - len(text) - 1500)
        for a in range(nattach):
            share = remaining // (nattach - a)
            remaining -= share
            ctype, fname = rng.choice(ATTACHMENTS)
            fname = fname.format(n=n + a, q=rng.randint(1, 4))
            if any(ord(c) > 127 for c in fname):
                disp = 'attachment;\n\tfilename="%s"' % rfc2047_b(fname)
                ct_name = '; name="%s"' % rfc2047_b(fname)
            else:
                disp = 'attachment; filename="%s"' % fname
                ct_name = '; name="%s"' % fname
            parts += [b"\n--", boundary.encode(), b"\n",
                      ("Content-Type: %s%s\nContent-Transfer-Encoding: base64\nContent-Disposition: %s\n\n"
                       % (ctype, ct_name, disp)).encode("utf-8"),
                      pools.base64(rng, share)]
        parts += [b"\n--", boundary.encode(), b"--\n"]
        payload = b"".join(parts)

    head = "\n".join(headers).encode("utf-8") + b"\n\n"
    return head + payload, msgid


def pick_flags(rng):
    r = rng.random()
    if r < 0.55:
        return "S"
    if r < 0.72:
        return "RS"
    if r < 0.78:
        return "FS"
    if r < 0.80:
        return "F"
    if r < 0.81:
        return "FRS"
    return ""


def main():
    parser = argparse.ArgumentParser(
        description="Generate a deterministic, realistic Maildir++ corpus for benchmarks.")
    parser.add_argument("out", metavar="OUT_MAILDIR", help="Maildir root to create (INBOX); must not exist or be empty")
    parser.add_argument("--messages", type=int, default=100000, help="number of messages (default 100000)")
    parser.add_argument("--folders", type=int, default=10, help="number of folders including INBOX (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--profile", choices=["mixed", "heavy"], default="mixed",
                        help="size mix: mixed (default: 0.1%% of 1-3 MB) or heavy (5%% of 1-3 MB, 25%% 30-300 KB, "
                             "attachments of random bytes in base64, which do not compress)")
    args = parser.parse_args()
    if args.messages < 0 or not 1 <= args.folders <= len(FOLDER_POOL) + 1:
        parser.error("--messages must be >= 0 and --folders between 1 and %d" % (len(FOLDER_POOL) + 1))

    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        parser.error("%s exists and is not empty" % out)

    rng = random.Random(args.seed)
    people = make_people(rng)
    pools = Pools(rng)

    folders = [""] + FOLDER_POOL[: args.folders - 1]
    # INBOX and the first folders get most mail (Zipf-like weights).
    weights = [1.0 / (i + 1) for i in range(len(folders))]
    for folder in folders:
        base = os.path.join(out, "." + folder) if folder else out
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        if folder:
            marker = os.path.join(base, "maildirfolder")
            with open(marker, "wb"):
                pass
            os.utime(marker, (END_DATE, END_DATE))

    # Dates: uniform over three years, processed in date order so that replies
    # refer to earlier mail and file names grow with time, as in a real Maildir.
    dates = sorted(END_DATE - SPAN + rng.randrange(SPAN) for _ in range(args.messages))
    folder_of = rng.choices(range(len(folders)), weights=weights, k=args.messages)

    recent_ids = []
    total = 0
    started = time.monotonic()
    flags_open = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for i, ts in enumerate(dates):
        data, msgid = make_message(rng, pools, people, i, ts, recent_ids, args.profile == "heavy")
        if len(recent_ids) < 200:
            recent_ids.append(msgid)
        else:
            recent_ids[rng.randrange(200)] = msgid
        folder = folders[folder_of[i]]
        base = os.path.join(out, "." + folder) if folder else out
        usec = rng.randrange(1000000)
        unique = "%d.M%dP%dQ%d.%s" % (ts, usec, 1000 + i % 30000, i, HOST)
        size = len(data)
        vsize = size + data.count(b"\n")
        name = "%s,S=%d,W=%d" % (unique, size, vsize)
        flags = pick_flags(rng)
        if rng.random() < 0.01:
            path = os.path.join(base, "new", name)
        else:
            path = os.path.join(base, "cur", name + ":2," + flags)
        fd = os.open(path, flags_open, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.utime(fd, (ts, ts))
        finally:
            os.close(fd)
        total += size
        if not args.quiet and (i + 1) % 10000 == 0:
            elapsed = time.monotonic() - started
            print("gen-corpus: %d messages, %.0f MB, %.1f s" % (i + 1, total / 1e6, elapsed), file=sys.stderr)

    if not args.quiet:
        elapsed = time.monotonic() - started
        print("gen-corpus: wrote %d messages in %d folders, %.1f MB, in %.1f s to %s"
              % (args.messages, len(folders), total / 1e6, elapsed, out), file=sys.stderr)


if __name__ == "__main__":
    main()
