#!/usr/bin/env python3
"""scripts/check_layers.py: the repository passes, and each kind of violation is caught.

Runs the checker on the real tree, then on small trees made in a temporary folder: an
include that points up, a folder missing from the table, and a cycle in a table.
"""
import importlib.util
import os
import sys
import tempfile

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
spec = importlib.util.spec_from_file_location("check_layers",
                                              os.path.join(ROOT, "scripts", "check_layers.py"))
layers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(layers)

failures = []


def check(name, condition):
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures.append(name)


def tree(files):
    root = tempfile.mkdtemp(prefix="layers-")
    for path, text in files.items():
        os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(root, path), "w", encoding="utf-8") as f:
            f.write(text)
    return root


check("the repository's includes follow the table", layers.main(["x", ROOT]) == 0)
check("the table has no cycle", layers.find_cycle(layers.ALLOWED) is None)

ok_tree = tree({
    "tokenserver/endpoints/jwks_endpoint.cc": '#include "tokenserver/state/snapshot.h"\n',
    "tokenserver/state/snapshot.cc": '#include "common/util/url.h"\n#include <string>\n',
})
stamp = os.path.join(ok_tree, "stamp")
check("a tree whose includes point down passes and writes the stamp",
      layers.main(["x", ok_tree, stamp]) == 0 and os.path.exists(stamp))

up_tree = tree({
    "tokenserver/state/snapshot.cc": '#include "tokenserver/endpoints/jwks_endpoint.h"\n',
})
up_stamp = os.path.join(up_tree, "stamp")
check("an include that points up fails and writes no stamp",
      layers.main(["x", up_tree, up_stamp]) == 1 and not os.path.exists(up_stamp))

cross_tree = tree({"common/util/url.cc": '#include "tokenserver/oauth/form.h"\n'})
check("common may not include a program", layers.main(["x", cross_tree]) == 1)

program_tree = tree({"controller/app/x.cc": '#include "tokenserver/oauth/form.h"\n'})
check("one program may not include the other", layers.main(["x", program_tree]) == 1)

new_tree = tree({"tokenserver/newfolder/thing.cc": "int x;\n"})
check("a folder missing from the table fails", layers.main(["x", new_tree]) == 1)

check("a cycle in a table is found",
      layers.find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) is not None)
check("a diamond is not a cycle",
      layers.find_cycle({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}) is None)

sys.exit(1 if failures else 0)
