#!/usr/bin/env python3
"""Writes docs/crd-reference.md from the CRDs in charts/nauthera/crds/ (the one source).

Usage: gen_crd_reference.py [--check] [--crds DIR] [--out FILE]
  --check   exit 1 (and say so) if FILE differs from what would be generated; write nothing.
Needs PyYAML (Debian: python3-yaml).
"""
import argparse
import json
import os
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ORDER = ["OidcClient", "NautheraServiceAccount", "ClusterAuthPolicy", "AuthPolicy", "NautheraUser"]


def one_line(text):
    return " ".join(str(text or "").split())


def cell(text):
    return one_line(text).replace("|", "\\|")


def type_of(schema):
    t = schema.get("type", "")
    if t == "array":
        return "[]" + type_of(schema.get("items", {}))
    if t == "object" and "additionalProperties" in schema:
        return "map[string]" + type_of(schema["additionalProperties"])
    if schema.get("format") and t in ("string", "integer"):
        return f"{t} ({schema['format']})"
    return t


def constraints(schema):
    out = []
    if "enum" in schema:
        out.append("one of: " + ", ".join(f"`{v}`" for v in schema["enum"]))
    if "default" in schema:
        out.append(f"default: `{json.dumps(schema['default'])}`")
    if "pattern" in schema:
        out.append(f"pattern: `{schema['pattern']}`")
    for key, label in (("minLength", "min length"), ("maxLength", "max length"),
                       ("minItems", "min items"), ("maxItems", "max items"),
                       ("maxProperties", "max entries"), ("minimum", "minimum")):
        if key in schema:
            out.append(f"{label} {schema[key]}")
    if schema.get("x-kubernetes-list-type") == "set":
        out.append("no duplicates")
    for rule in schema.get("x-kubernetes-validations", []):
        where = rule.get("fieldPath", "")
        out.append(f"rule{' on ' + where if where else ''}: {one_line(rule.get('message', rule['rule']))}")
    items = schema.get("items", {})
    if items.get("type") in ("string", "integer", "boolean"):
        inner = constraints(items)
        if inner:
            out.append("each item: " + "; ".join(inner))
    add = schema.get("additionalProperties")
    if isinstance(add, dict):
        inner = constraints(add)
        if inner:
            out.append("each value: " + "; ".join(inner))
    return out


def walk(schema, path, required, rows):
    """Appends (path, type, required, constraints, description) for every field below."""
    props = schema.get("properties", {})
    for name, sub in props.items():
        p = f"{path}.{name}" if path else name
        rows.append((p, type_of(sub), name in required, constraints(sub), sub.get("description", "")))
        nested = sub
        if sub.get("type") == "array":
            nested = sub.get("items", {})
            p = p + "[]"
        walk(nested, p, set(nested.get("required", [])), rows)


def render_kind(crd):
    spec = crd["spec"]
    names = spec["names"]
    version = spec["versions"][0]
    schema = version["schema"]["openAPIV3Schema"]
    lines = [f"## {names['kind']}", ""]
    lines.append(one_line(schema.get("description", "")))
    lines.append("")
    lines.append("| | |")
    lines.append("|---|---|")
    lines.append(f"| API version | `{spec['group']}/{version['name']}` |")
    lines.append(f"| Scope | {spec['scope']} |")
    lines.append(f"| Resource | `{names['plural']}` (singular `{names['singular']}`) |")
    lines.append(f"| Short names | {', '.join('`' + s + '`' for s in names.get('shortNames', []))} |")
    lines.append(f"| Categories | {', '.join('`' + s + '`' for s in names.get('categories', []))} |")
    lines.append(f"| Status subresource | {'yes' if 'status' in version.get('subresources', {}) else 'no'} |")
    cols = version.get("additionalPrinterColumns", [])
    if cols:
        lines.append("| `kubectl get` columns | NAME, " + ", ".join(
            f"{c['name'].upper()} (`{c['jsonPath']}`)".replace("|", "\\|") for c in cols) + " |")
    lines.append("")
    for section in ("spec", "status"):
        sub = schema["properties"].get(section)
        if not sub:
            continue
        req = " (required)" if section in schema.get("required", []) else ""
        lines.append(f"### {section}{req}")
        lines.append("")
        lines.append(one_line(sub.get("description", "")))
        lines.append("")
        rules = sub.get("x-kubernetes-validations", [])
        if rules:
            lines.append("Rules checked by the API server on the whole " + section + ":")
            lines.append("")
            for r in rules:
                where = f"`{section}{r['fieldPath']}`: " if r.get("fieldPath") else ""
                lines.append(f"- {where}{one_line(r.get('message', ''))} (CEL: `{r['rule']}`)")
            lines.append("")
        rows = []
        walk(sub, section, set(sub.get("required", [])), rows)
        lines.append("| Field | Type | Required | Description | Validation |")
        lines.append("|---|---|---|---|---|")
        for path, typ, required, cons, desc in rows:
            lines.append(f"| `{path}` | {cell(typ)} | {'yes' if required else ''} | {cell(desc)} | "
                         f"{'<br>'.join(cell(c) for c in cons)} |")
        lines.append("")
    return lines


def generate(crd_dir):
    crds = []
    for name in sorted(os.listdir(crd_dir)):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(crd_dir, name), encoding="utf-8") as f:
                crds.append(yaml.safe_load(f))
    crds.sort(key=lambda c: (ORDER.index(c["spec"]["names"]["kind"])
                             if c["spec"]["names"]["kind"] in ORDER else len(ORDER),
                             c["spec"]["names"]["kind"]))
    lines = [
        "<!-- Generated by tests/cluster/gen_crd_reference.py from charts/nauthera/crds/*.yaml;",
        "     do not edit by hand. tests/cluster/crds_test.sh fails when this file is stale. -->",
        "# Custom resource reference",
        "",
        "Nauthera is configured with these custom resources (group `auth.nauthera.io`, version",
        "`v1alpha1`). The CRDs live in `charts/nauthera/crds/`; the Helm chart installs them and",
        "the cluster tests apply them to a real kube-apiserver. The API server enforces every",
        "rule below when an object is created or changed, so a broken manifest is refused by",
        "`kubectl apply` with the field named. `kubectl explain <kind>.spec` prints the same",
        "descriptions. `kubectl get nauthera -A` lists every Nauthera object.",
        "",
        "| Kind | Scope | Short name |",
        "|---|---|---|",
    ]
    for crd in crds:
        n = crd["spec"]["names"]
        anchor = n["kind"].lower()
        lines.append(f"| [{n['kind']}](#{anchor}) | {crd['spec']['scope']} | `{', '.join(n.get('shortNames', []))}` |")
    lines.append("")
    for crd in crds:
        lines.extend(render_kind(crd))
    return "\n".join(lines).rstrip("\n") + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--crds", default=os.path.join(ROOT, "charts", "nauthera", "crds"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "crd-reference.md"))
    args = ap.parse_args()
    text = generate(args.crds)
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"{args.out} is stale; run {os.path.relpath(__file__, ROOT)} and commit it",
                  file=sys.stderr)
            return 1
        return 0
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
