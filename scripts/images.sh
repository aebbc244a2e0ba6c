#!/usr/bin/env bash
# Builds the nauthera-controller and nauthera-tokenserver container images without a container
# engine or a registry: an OCI archive per program, assembled from the built binary (debug
# info stripped, as the Dockerfiles do), the shared libraries `ldd` lists, CA certificates and
# /etc/passwd with the non-root user 65532. No shell, no package manager in the images. Each
# image carries the Debian packages its files come from (dpkg -S + versions) in
# /usr/share/doc/nauthera/packages.txt, with their copyright files; the same list is written
# beside the archive. Why this and not mmdebstrap: docs/node-tests.md ("Images").
#
# Usage: scripts/images.sh [controller] [tokenserver] [pause]   (default: controller tokenserver)
#   BUILD_DIR=build         where the binaries are (scripts/build.sh builds them)
#   IMAGES_DIR=$BUILD_DIR/images   where the archives go
#   IMAGE_REGISTRY=ghcr.io/nauthera   names: $IMAGE_REGISTRY/nauthera-<program>:<version>
#   NAUTHERA_PAUSE_BIN=...  the static pause binary for `pause` (scripts/node-tools.sh builds
#                           it; only the node tests need that image)
# Import: ctr -n k8s.io images import build/images/nauthera-tokenserver-0.1.0.oci.tar
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
IMAGES_DIR="${IMAGES_DIR:-$BUILD_DIR/images}"
IMAGE_REGISTRY="${IMAGE_REGISTRY:-ghcr.io/nauthera}"
SOURCE_URL=https://github.com/nauthera/nauthera
VERSION=$(sed -n 's/^project(nauthera .*VERSION \([0-9.]*\)).*/\1/p' "$ROOT/CMakeLists.txt")
REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}"
NONROOT_UID=65532   # same as the Dockerfiles' `USER 65532:65532`

log() { echo "images: $*" >&2; }
die() { echo "images: $*" >&2; exit 1; }

# dpkg_owner FILE: the "package:arch" that installed FILE. With usr-merge the dpkg database
# records /lib/... while ldd and realpath may give /usr/lib/..., so both spellings are tried.
dpkg_owner() {
  local f=$1 real cand
  real=$(realpath "$f")
  for cand in "$f" "$real" "${real#/usr}" "/usr$f"; do
    dpkg-query -S "$cand" 2>/dev/null | head -1 | cut -d: -f1-2 && return 0
  done
  return 1
}

# write_package_list ROOTFS OUT FILE...: the Debian packages the FILEs (host paths) come from,
# one line each: package architecture version source-package source-version. A FILE written
# as pkg:NAME names the package directly.
write_package_list() {
  local rootfs=$1 out=$2; shift 2
  local f pkgs=() p
  for f in "$@"; do
    if [[ "$f" == pkg:* ]]; then pkgs+=("${f#pkg:}"); continue; fi
    p=$(dpkg_owner "$f") || die "no Debian package owns $f (dpkg -S)"
    pkgs+=("$p")
  done
  {
    echo "# Debian packages whose files are in this image (dpkg -S of each file; versions from dpkg-query)."
    echo "# package architecture version source-package source-version"
    printf '%s\n' "${pkgs[@]}" | sort -u | while read -r p; do
      dpkg-query -W -f='${Package} ${Architecture} ${Version} ${source:Package} ${source:Version}\n' "$p"
    done
  } > "$out"
  # The copyright file of every package whose files are shipped (Debian policy 12.5).
  while read -r p _; do
    [[ "$p" == \#* ]] && continue
    if [[ -e "/usr/share/doc/$p/copyright" ]]; then
      mkdir -p "$rootfs/usr/share/doc/$p"
      cp -L "/usr/share/doc/$p/copyright" "$rootfs/usr/share/doc/$p/copyright"
    fi
  done < "$out"
}

# new_rootfs DIR: an empty usr-merged tree with the files every image has.
new_rootfs() {
  local r=$1
  rm -rf "$r"
  mkdir -p "$r"/{etc/ssl/certs,tmp,usr/local/bin,usr/lib/x86_64-linux-gnu,usr/lib64,usr/share/doc/nauthera}
  ln -s usr/lib "$r/lib"
  ln -s usr/lib64 "$r/lib64"
  chmod 1777 "$r/tmp"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnauthera:x:%s:%s:nauthera:/nonexistent:/usr/sbin/nologin\n' \
    "$NONROOT_UID" "$NONROOT_UID" > "$r/etc/passwd"
  printf 'root:x:0:\nnauthera:x:%s:\n' "$NONROOT_UID" > "$r/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$r/etc/nsswitch.conf"
}

pack() {  # rootfs archive name entrypoint user port
  local rootfs=$1 archive=$2 name=$3 entry=$4 user=$5 port=$6 title
  title=${name##*/}; title=${title%%:*}
  local args=(--rootfs "$rootfs" --out "$archive" --name "$name" --entrypoint "$entry"
    --user "$user"
    --annotation "org.opencontainers.image.source=$SOURCE_URL"
    --annotation "org.opencontainers.image.revision=$REVISION"
    --annotation "org.opencontainers.image.version=$VERSION"
    --annotation "org.opencontainers.image.title=$title"
    --annotation "org.opencontainers.image.url=$SOURCE_URL")
  [[ -n "$port" ]] && args+=(--port "$port")
  python3 "$ROOT/scripts/lib/oci_image.py" "${args[@]}" > "$archive.json"
}

build_program() {  # program port
  local prog=$1 port=$2 bin rootfs archive name libs=() lib dest
  bin="$BUILD_DIR/$prog/nauthera-$prog"
  [[ -x "$bin" ]] || die "$bin is missing: run scripts/build.sh nauthera-$prog"
  rootfs="$IMAGES_DIR/rootfs-$prog"
  name="$IMAGE_REGISTRY/nauthera-$prog:$VERSION"
  archive="$IMAGES_DIR/nauthera-$prog-$VERSION.oci.tar"
  new_rootfs "$rootfs"
  objcopy --strip-debug "$bin" "$rootfs/usr/local/bin/nauthera-$prog"
  # Every library the dynamic loader resolves, plus the loader itself, at the path it is
  # looked up with (/lib and /lib64 are symlinks into /usr, as on bookworm).
  mapfile -t libs < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
  ((${#libs[@]})) || die "ldd listed no libraries for $bin"
  for lib in "${libs[@]}"; do
    dest="$rootfs/usr${lib#/usr}"
    mkdir -p "$(dirname "$dest")"
    cp -L "$lib" "$dest"
  done
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] || die "no /etc/ssl/certs/ca-certificates.crt (apt-get install ca-certificates)"
  cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  # The CA bundle is generated by update-ca-certificates, not shipped as a file of a package
  # (dpkg -S does not know it): name the package that makes it.
  write_package_list "$rootfs" "$rootfs/usr/share/doc/nauthera/packages.txt" \
    "${libs[@]}" pkg:ca-certificates
  cp "$rootfs/usr/share/doc/nauthera/packages.txt" "${archive%.oci.tar}.packages.txt"
  pack "$rootfs" "$archive" "$name" "/usr/local/bin/nauthera-$prog" "$NONROOT_UID:$NONROOT_UID" "$port"
  report "$archive"
}

build_pause() {
  local bin="${NAUTHERA_PAUSE_BIN:-}" rootfs="$IMAGES_DIR/rootfs-pause" archive
  [[ -x "$bin" ]] || die "set NAUTHERA_PAUSE_BIN to the static pause binary (scripts/node-tools.sh)"
  file -b "$bin" 2>/dev/null | grep -q 'statically linked' || ! ldd "$bin" >/dev/null 2>&1 \
    || die "$bin is not static"
  archive="$IMAGES_DIR/nauthera-pause-1.oci.tar"
  rm -rf "$rootfs"; mkdir -p "$rootfs"
  cp "$bin" "$rootfs/pause"
  # 65535 like the upstream pause image; the sandbox needs no files, no libraries.
  pack "$rootfs" "$archive" "localhost/nauthera/pause:1" /pause 65535:65535 ""
  report "$archive"
}

report() {
  local a=$1
  python3 - "$a" <<'PY'
import json, sys
a = sys.argv[1]
j = json.load(open(a + ".json"))
print(f"images: {j['name']}: {a} — archive {j['archive_bytes']/1e6:.1f} MB, "
      f"unpacked {j['layer_uncompressed_bytes']/1e6:.1f} MB, manifest {j['manifest'][:19]}…",
      file=sys.stderr)
PY
}

targets=("$@")
((${#targets[@]})) || targets=(controller tokenserver)
mkdir -p "$IMAGES_DIR"
for t in "${targets[@]}"; do
  case "$t" in
    controller) build_program controller 7070 ;;
    tokenserver) build_program tokenserver 8080 ;;
    pause) build_pause ;;
    *) die "unknown image $t (controller, tokenserver, pause)" ;;
  esac
done
