#!/usr/bin/env python3
"""Dependencies point one way: each source folder may include only the folders listed for it.

The build runs this (target `check_layers`, part of `all`), so an include that breaks the
table, a cycle in the table, or a new folder nobody placed fails the build with the file and
line to change. Usage: scripts/check_layers.py [repository root] [stamp file to touch on success]

A folder is the first two path components (`tokenserver/oauth`); files directly under a
program's folder (`controller/main.cc`) belong to the program itself. Only project includes
("common/...", "controller/...", "tokenserver/...") are checked; the generated protobuf
headers (nauthera/v1/...) are the contract both programs may use.
"""
import os
import re
import sys

# Lower layers first. Each folder lists what it may include directly; nothing may include a
# folder above itself. To add a dependency, add it here and make sure the table stays acyclic
# (the check says so otherwise). docs/design.md ("Code layout") explains the layers.
ALLOWED = {
    # common/: used by both programs, depends on neither.
    "common/util": [],
    "common/encoding": [],
    "common/metrics": ["common/util"],
    "common/crypto": ["common/encoding"],
    "common/http": ["common/metrics", "common/util"],
    # controller/: API types and rules first, then what acts on them, then the program.
    "controller/util": ["common/crypto"],
    "controller/metrics": ["common/metrics"],
    "controller/api": ["common/encoding", "common/util"],
    "controller/kubeclient": ["common/encoding", "common/util"],
    "controller/tools": ["common/crypto", "common/util"],
    "controller/policy": ["controller/api"],
    "controller/source": ["common/crypto", "controller/api"],
    "controller/status": ["common/util", "controller/api", "controller/util"],
    "controller/keys": ["common/crypto", "common/metrics", "common/util", "controller/api",
                        "controller/metrics", "controller/util"],
    "controller/reconcilers": ["common/crypto", "common/encoding", "common/util",
                               "controller/api", "controller/policy", "controller/status",
                               "controller/util"],
    "controller/snapshot": ["common/crypto", "common/util", "controller/api", "controller/keys",
                            "controller/reconcilers"],
    "controller/sync": ["common/metrics", "common/util", "controller/metrics", "controller/util"],
    "controller/manager": ["common/metrics", "common/util", "controller/keys",
                           "controller/metrics", "controller/policy", "controller/reconcilers",
                           "controller/snapshot", "controller/source", "controller/status",
                           "controller/sync"],
    "controller/kubernetes": ["common/encoding", "common/util", "controller/api",
                              "controller/keys", "controller/kubeclient", "controller/reconcilers",
                              "controller/source", "controller/status"],
    "controller/app": ["common/crypto", "common/http", "common/metrics", "common/util",
                       "controller/keys",
                       "controller/kubernetes", "controller/manager", "controller/metrics",
                       "controller/reconcilers", "controller/source", "controller/status",
                       "controller/sync", "controller/util"],
    "controller": ["common/util", "controller/app", "controller/kubeclient"],
    # tokenserver/: state and storage first, OAuth rules, grants and endpoints on top, the
    # router above the endpoints, the program above everything.
    "tokenserver/state": ["common/crypto", "common/metrics", "common/util"],
    "tokenserver/store": ["common/crypto", "common/metrics", "common/util"],
    "tokenserver/web": ["common/crypto", "common/http"],
    "tokenserver/tokens": ["common/crypto", "common/encoding", "common/util", "tokenserver/state",
                           "tokenserver/store"],
    "tokenserver/oauth": ["common/crypto", "common/encoding", "common/http", "common/util",
                          "tokenserver/state", "tokenserver/store"],
    "tokenserver/session": ["common/crypto", "common/encoding", "common/http", "common/util",
                            "tokenserver/oauth", "tokenserver/state", "tokenserver/store",
                            "tokenserver/web"],
    "tokenserver/grants": ["common/crypto", "common/http", "common/util", "tokenserver/oauth",
                           "tokenserver/state", "tokenserver/store", "tokenserver/tokens"],
    "tokenserver/endpoints": ["common/crypto", "common/encoding", "common/http",
                              "common/metrics", "common/util", "tokenserver/grants",
                              "tokenserver/oauth", "tokenserver/session", "tokenserver/state",
                              "tokenserver/store", "tokenserver/tokens", "tokenserver/web"],
    "tokenserver/http": ["common/http", "common/metrics", "common/util", "tokenserver/endpoints",
                         "tokenserver/oauth", "tokenserver/session", "tokenserver/state",
                         "tokenserver/store", "tokenserver/web"],
    "tokenserver/app": ["common/http", "common/metrics", "common/util", "tokenserver/http",
                        "tokenserver/oauth", "tokenserver/session", "tokenserver/state",
                        "tokenserver/store"],
    "tokenserver": ["common/util", "tokenserver/app"],
}

PROGRAMS = ("common", "controller", "tokenserver")
INCLUDE = re.compile(r'\s*#\s*include\s+"([^"]+)"')


def folder_of(path):
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else parts[0]


def find_cycle(graph):
    """Returns one cycle of `graph` as a list of folders, or None."""
    state = {}  # 1: on the current path, 2: done

    def visit(node, path):
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if state.get(nxt) is None:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if state.get(start) is None:
            found = visit(start, [start])
            if found:
                return found
    return None


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    stamp = argv[2] if len(argv) > 2 else None
    problems = []

    for folder, deps in ALLOWED.items():
        for dep in deps:
            if dep not in ALLOWED:
                problems.append(f"table: {folder} lists {dep}, which is not a known folder")
    cycle = find_cycle(ALLOWED)
    if cycle:
        problems.append("table: the allowed dependencies form a cycle: " + " -> ".join(cycle))

    for program in PROGRAMS:
        for directory, _, files in sorted(os.walk(os.path.join(root, program))):
            for name in sorted(files):
                if not name.endswith((".cc", ".h")):
                    continue
                path = os.path.relpath(os.path.join(directory, name), root)
                source = folder_of(path)
                if source not in ALLOWED:
                    problems.append(f"{path}: folder {source} is not in the layer table of "
                                    "scripts/check_layers.py; add it with what it may include")
                    continue
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        match = INCLUDE.match(line)
                        if not match or match.group(1).split("/")[0] not in PROGRAMS:
                            continue
                        target = folder_of(match.group(1))
                        if target == source or target in ALLOWED[source]:
                            continue
                        problems.append(
                            f"{path}:{number}: {source} may not include {match.group(1)} "
                            f"({target} is not below it in scripts/check_layers.py); move what "
                            "it needs down, or inject it")

    if problems:
        print("layer check failed (dependencies must point one way):", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    if stamp:
        with open(stamp, "w", encoding="utf-8") as f:
            f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
