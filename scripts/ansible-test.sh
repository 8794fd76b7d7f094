#!/usr/bin/env bash
# Run ansible-test on a copy of this checkout laid out as ansible_collections/adu/device_update,
# with an offline stand-in for the pip bootstrap script ansible-test would download.
# Usage: scripts/ansible-test.sh sanity|units [ansible-test options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python}

# 1. The stand-in: ansible-test runs ~/.ansible/test/cache/get_pip_<ver>.py with pip options and packages.
pip_version=$("$python" - <<'PY'
import os, re, ansible_test
src = open(os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')).read()
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PY
)
cache="$HOME/.ansible/test/cache"
standin="$cache/get_pip_${pip_version//./_}.py"
wheel="$cache/pip-${pip_version}-py3-none-any.whl"
mkdir -p "$cache"
if [ ! -f "$wheel" ]; then
  "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$cache" "pip==$pip_version"
fi
cat > "$standin.tmp" <<PY
# Offline stand-in for get-pip.py: installs the given packages with the pip wheel beside it.
import sys
sys.path.insert(0, "$wheel")
from pip._internal.cli.main import main
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install"] + args))
PY
mv "$standin.tmp" "$standin"

# 2. A fresh copy of the files git knows (tracked and untracked-but-not-ignored).
tree="$root/.build/ansible-test/ansible_collections/adu/device_update"
rm -rf "$tree"
mkdir -p "$tree"
(cd "$root" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf -) | tar -xf - -C "$tree"

cd "$tree"
# ansible-test finds its targets through git.
git init --quiet && git add --all
exec ansible-test "$@"
