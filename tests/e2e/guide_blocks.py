#!/usr/bin/env python3
"""The fenced code blocks of a Markdown guide, addressed by the heading they sit under.

The end-to-end test runs the guide's own blocks (docs/kubectl-guide.md), so that a change in
the guide changes what is tested, and checks that every block of the seed guide
(../shared/guides/kubectl.md, when it is there) appears verbatim in ours.

  guide_blocks.py block GUIDE HEADING [N]   the Nth (1-based, default 1) fenced block in the
                                            section whose heading text is HEADING (up to the
                                            next heading of the same or a higher level)
  guide_blocks.py list GUIDE                every block: heading, index, language, first line
  guide_blocks.py contains GUIDE SEED       exit 1, naming them, if a block of SEED is not a
                                            block of GUIDE (byte for byte)
  guide_blocks.py table GUIDE HEADING       the first Markdown table in that section as JSON
                                            (a list of rows, each a list of cell texts)

Exit status 2 when the heading or the block does not exist.
"""

import json
import re
import sys

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
QUOTE = re.compile(r"^>[ ]?")


def unquote(text):
    """The text with Markdown blockquote markers removed (blocks inside notes count too)."""
    return "\n".join(QUOTE.sub("", line) for line in text.split("\n"))


def blocks(text):
    """(heading, level, language, body) for each fenced block, in order."""
    text = unquote(text)
    out = []
    heading, level = "", 0
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            close = fence.group(1)
            body = []
            i += 1
            while i < len(lines) and lines[i].rstrip() != close:
                body.append(lines[i])
                i += 1
            out.append((heading, level, fence.group(2), "\n".join(body) + "\n"))
        else:
            h = HEADING.match(line)
            if h:
                heading, level = h.group(2), len(h.group(1))
        i += 1
    return out


def section_lines(text, heading):
    """The lines of the section under HEADING (without the heading line), or None."""
    lines = unquote(text).split("\n")
    start, level, fence = None, 0, None
    for n, line in enumerate(lines):
        # A "# comment" inside a fenced block is not a heading.
        f = FENCE.match(line)
        if fence is None and f:
            fence = f.group(1)
            continue
        if fence is not None:
            if line.rstrip() == fence:
                fence = None
            continue
        h = HEADING.match(line)
        if not h:
            continue
        if start is None and h.group(2) == heading:
            start, level = n + 1, len(h.group(1))
        elif start is not None and len(h.group(1)) <= level:
            return lines[start:n]
    return None if start is None else lines[start:]


def section_blocks(text, heading):
    lines = section_lines(text, heading)
    if lines is None:
        return None
    return [b[3] for b in blocks("\n".join(lines))]


def table(text, heading):
    lines = section_lines(text, heading) or []
    rows = []
    for line in lines:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            rows.append(cells)
        elif rows:
            break
    return rows


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, guide = argv[1], argv[2]
    with open(guide, encoding="utf-8") as f:
        text = f.read()
    if cmd == "block":
        heading = argv[3]
        n = int(argv[4]) if len(argv) > 4 else 1
        found = section_blocks(text, heading)
        if found is None:
            print(f"guide_blocks: no heading '{heading}' in {guide}", file=sys.stderr)
            return 2
        if not 1 <= n <= len(found):
            print(f"guide_blocks: section '{heading}' of {guide} has {len(found)} block(s), "
                  f"not a block {n}", file=sys.stderr)
            return 2
        sys.stdout.write(found[n - 1])
        return 0
    if cmd == "list":
        counts = {}
        for heading, _, lang, body in blocks(text):
            counts[heading] = counts.get(heading, 0) + 1
            first = body.split("\n", 1)[0]
            print(f"{heading!r} {counts[heading]} {lang or '-'}: {first}")
        return 0
    if cmd == "contains":
        with open(argv[3], encoding="utf-8") as f:
            seed = f.read()
        ours = {b[3] for b in blocks(text)}
        missing = [(h, body) for h, _, _, body in blocks(seed) if body not in ours]
        for heading, body in missing:
            print(f"block under '{heading}' of {argv[3]} is not in {guide}:", file=sys.stderr)
            print("    " + body.rstrip("\n").replace("\n", "\n    "), file=sys.stderr)
        return 1 if missing else 0
    if cmd == "table":
        rows = table(text, argv[3])
        if not rows:
            print(f"guide_blocks: no table under '{argv[3]}' in {guide}", file=sys.stderr)
            return 2
        print(json.dumps(rows))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
