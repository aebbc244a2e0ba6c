#!/usr/bin/env python3
"""Packs a root-filesystem folder into a one-layer OCI image archive (OCI image-layout 1.0.0).

No container engine, no registry: the layer is a reproducible tar (sorted names, owner 0:0,
fixed mtime, gzip without a timestamp), so the same inputs give the same digests. The archive
(oci-layout + index.json + blobs/sha256/*) is what `ctr -n k8s.io images import`, `docker load`
(Docker 25+) and `skopeo copy oci-archive:` read. Used by scripts/images.sh.
Spec: https://github.com/opencontainers/image-spec (image-layout.md, manifest.md, config.md).
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import time


def reproducible_layer(rootfs, mtime):
    """Returns the uncompressed tar bytes of rootfs, deterministic."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        paths = []
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for n in sorted(dirnames + filenames):
                paths.append(os.path.join(dirpath, n))
        for path in sorted(paths, key=lambda p: os.path.relpath(p, rootfs).split(os.sep)):
            rel = os.path.relpath(path, rootfs)
            info = tar.gettarinfo(path, arcname=rel)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = mtime
            info.pax_headers = {}
            if info.isreg():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()



def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rootfs", required=True)
    p.add_argument("--out", required=True, help="the .tar OCI archive to write")
    p.add_argument("--name", required=True, help="full image reference, e.g. ghcr.io/x/y:1.0")
    p.add_argument("--entrypoint", required=True, nargs="+")
    p.add_argument("--user", default="")
    p.add_argument("--port", action="append", default=[], help="exposed TCP port")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--annotation", action="append", default=[], help="key=value")
    p.add_argument("--epoch", type=int, default=int(os.environ.get("SOURCE_DATE_EPOCH", 0)))
    a = p.parse_args()

    annotations = dict(kv.split("=", 1) for kv in a.annotation)
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(a.epoch))
    annotations.setdefault("org.opencontainers.image.created", created)

    tar_bytes = reproducible_layer(a.rootfs, a.epoch)
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0, compresslevel=9) as g:
        g.write(tar_bytes)
    layer = gz.getvalue()

    with tarfile.open(a.out + ".tmp", "w") as out:
        blobs = {}

        def add_blob(data):
            d = "sha256:" + hashlib.sha256(data).hexdigest()
            blobs[d] = data
            return {"digest": d, "size": len(data)}

        layer_desc = add_blob(layer)
        layer_desc["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
        config = {
            "created": created,
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "User": a.user,
                "Entrypoint": a.entrypoint,
                "Env": a.env or ["PATH=/usr/local/bin:/usr/bin:/bin"],
                "WorkingDir": "/",
                "Labels": annotations,
            },
            "rootfs": {"type": "layers",
                       "diff_ids": ["sha256:" + hashlib.sha256(tar_bytes).hexdigest()]},
            "history": [{"created": created, "created_by": "scripts/images.sh"}],
        }
        if a.port:
            config["config"]["ExposedPorts"] = {f"{port}/tcp": {} for port in a.port}
        cfg = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
        config_desc = add_blob(cfg)
        config_desc["mediaType"] = "application/vnd.oci.image.config.v1+json"
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config_desc,
            "layers": [layer_desc],
            "annotations": annotations,
        }
        man = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
        man_desc = add_blob(man)
        man_desc["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
        tag = a.name.rsplit(":", 1)[1] if ":" in a.name.rsplit("/", 1)[-1] else "latest"
        man_desc["annotations"] = {
            # containerd (ctr import) and Docker take the full name from this one ...
            "io.containerd.image.name": a.name,
            # ... and OCI tools (skopeo, umoci) the tag from this one.
            "org.opencontainers.image.ref.name": tag,
        }
        man_desc["platform"] = {"architecture": "amd64", "os": "linux"}
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": [man_desc]}

        def add_file(name, data, mode=0o644):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, a.epoch
            out.addfile(info, io.BytesIO(data))

        for d in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(d)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, a.epoch
            out.addfile(info)
        for d, data in sorted(blobs.items()):
            add_file("blobs/sha256/" + d.split(":", 1)[1], data)
        add_file("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add_file("index.json", json.dumps(index, sort_keys=True, indent=1).encode())
    os.replace(a.out + ".tmp", a.out)
    json.dump({"name": a.name, "manifest": man_desc["digest"],
               "layer_compressed_bytes": len(layer), "layer_uncompressed_bytes": len(tar_bytes),
               "archive_bytes": os.path.getsize(a.out)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
