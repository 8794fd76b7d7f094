#!/usr/bin/env bash
# Build the Galaxy tarball and refuse it if it carries anything that is not the collection.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build/dist"
rm -rf "$out" && mkdir -p "$out"
ansible-galaxy collection build --force --output-path "$out" "$root" >/dev/null
tarball=$(ls "$out"/adu-device_update-*.tar.gz)
listing=$(tar -tzf "$tarball")
unwanted='(^|/)(\.venv|\.build|\.git|\.ci|__pycache__|\.pytest_cache|\.hypothesis|htmlcov|tests/output)(/|$)|\.pyc$|\.coverage|\.tar\.gz$|(^|/)[^/]*\.(pem|key|pfx|p12)$'
if bad=$(grep -E "$unwanted" <<<"$listing"); then
  echo "The collection tarball carries files it must not:"; echo "$bad"; exit 1
fi
for required in MANIFEST.json FILES.json meta/runtime.yml plugins/modules/adu_deployment.py README.md; do
  grep -qx "$required" <<<"$listing" || grep -qx "./$required" <<<"$listing" || { echo "missing from the tarball: $required"; exit 1; }
done
echo "built $(basename "$tarball"): $(wc -l <<<"$listing") entries, nothing unwanted"

# What Galaxy / Automation Hub run on upload (offline: ansible-doc and ansible-lint, no containers).
log="$out/galaxy-importer.log"
(cd "$out" && python -m galaxy_importer.main "$tarball") >"$log" 2>&1 || { cat "$log"; exit 1; }
if grep -qE '^(ERROR|WARNING)' "$log" || ! grep -q 'Importer processing completed successfully' "$log"; then
  cat "$log"; echo "galaxy-importer did not accept the collection cleanly"; exit 1
fi
echo "galaxy-importer accepted $(basename "$tarball")"
