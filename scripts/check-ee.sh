#!/usr/bin/env bash
# Execution environment checks, without a container engine: ansible-builder create makes a build
# context that holds our collection and its requirements, and introspection of an installed copy
# lists exactly our runtime requirements. Run after scripts/check-build.sh (needs its tarball).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.build/ee"
rm -rf "$work" && mkdir -p "$work"
tarball=$(ls "$root"/.build/dist/adu-device_update-*.tar.gz)

# 1. introspect --sanitize on an installed copy: exactly the lines of meta/ee-requirements.txt.
# --force and no PYTHONPATH: under make the checkout is importable already and would count as installed.
env -u PYTHONPATH ANSIBLE_COLLECTIONS_PATH="$work/installed" ansible-galaxy collection install --offline --force \
  -p "$work/installed" "$tarball" >/dev/null
test -f "$work/installed/ansible_collections/adu/device_update/meta/runtime.yml" \
  || { echo "the collection was not installed from $tarball"; exit 1; }
ansible-builder introspect --sanitize "$work/installed" > "$work/introspect.txt"
expected=$(grep -vE '^\s*(#|$)' "$root/meta/ee-requirements.txt" | sed "s/\$/  # from collection adu.device_update/" | sort)
found=$(sed -n "s/^- '\(.*\)'\$/\1/p" "$work/introspect.txt" | sort)
if [ "$expected" != "$found" ]; then
  echo "ansible-builder introspect lists other Python requirements than meta/ee-requirements.txt:"
  cat "$work/introspect.txt"; exit 1
fi

# 2. ansible-builder create from the example definition, the collection taken from our tarball.
cp "$tarball" "$work/"
python - "$root/docs/examples/execution-environment.yml" "$work/execution-environment.yml" "$(basename "$tarball")" <<'PY'
import sys, yaml
source, target, tarball = sys.argv[1:]
ee = yaml.safe_load(open(source))
ee['dependencies']['galaxy'] = {'collections': [{'name': 'collections/' + tarball, 'type': 'file'}]}
ee['additional_build_files'] = [{'src': tarball, 'dest': 'collections'}]
yaml.safe_dump(ee, open(target, 'w'))
PY
ansible-builder create --output-filename Containerfile -f "$work/execution-environment.yml" -c "$work/context" >/dev/null
context="$work/context"
test -f "$context/Containerfile" || { echo "no Containerfile in the build context"; exit 1; }
test -f "$context/_build/collections/$(basename "$tarball")" || { echo "the collection is not in the build context"; exit 1; }
grep -q "adu-device_update" "$context/_build/requirements.yml" || { echo "requirements.yml does not name the collection"; exit 1; }
tar -xzOf "$context/_build/collections/$(basename "$tarball")" meta/ee-requirements.txt | grep -q '^msal' \
  || { echo "the collection in the context lacks its Python requirements"; exit 1; }
echo "ansible-builder: build context with $(basename "$tarball") and its requirements; introspection lists exactly: $(echo "$found" | tr '\n' ' ')"
