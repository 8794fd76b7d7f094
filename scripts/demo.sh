#!/usr/bin/env bash
# make demo: start the emulator, run the demo play twice (the second run shows ok), stop the emulator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
python -m adu_emulator --ready-file "$work/ready.json" --cert-dir "$work" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 200); do [ -s "$work/ready.json" ] && break; sleep 0.05; done
[ -s "$work/ready.json" ] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }
read -r url ca_path < <(python -c 'import json,sys; i=json.load(open(sys.argv[1])); print(i["url"], i["ca_path"])' "$work/ready.json")
echo "ADU emulator on $url"

# A service principal the emulator's Azure AD knows, passed the way a CI pipeline would.
eval "$(python - "$root/tests/adu_emulator/seed.json" <<'PY'
import json, shlex, sys
p = json.load(open(sys.argv[1]))['principals'][0]
for name, key in (('AZURE_TENANT_ID', 'tenant_id'), ('AZURE_CLIENT_ID', 'client_id'), ('AZURE_CLIENT_SECRET', 'client_secret')):
    print('export %s=%s' % (name, shlex.quote(p[key])))
PY
)"
export AZURE_AUTHORITY_HOST="$url" XDG_CACHE_HOME="$work/cache" ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

play=(ansible-playbook -i "$root/docs/examples/inventory.ini" "$root/docs/examples/demo.yml" -e "adu_endpoint=$url" -e "adu_ca_path=$ca_path")
echo; echo "=== First run: create a rollout, list its failed devices, retry them, cancel another, delete a finished one"
"${play[@]}" | tee "$work/first.log"
echo; echo "=== Second run: everything is as declared, so no task reports changed"
"${play[@]}" | tee "$work/second.log"
recap() { grep -oE 'changed=[0-9]+ +unreachable=[0-9]+ +failed=[0-9]+' "$1" | tail -1; }
first=$(recap "$work/first.log"); second=$(recap "$work/second.log")
case "$first $second" in
  *failed=0*failed=0*) ;;
  *) echo "make demo FAILED: first run $first, second run $second"; exit 1 ;;
esac
grep -q 'changed=0' <<<"$second" || { echo "make demo FAILED: the second run changed something ($second)"; exit 1; }
echo
echo "make demo passed: against the emulator on $url, the first run reported ${first%% *} (created a GA rollout," \
  "listed its failed devices, retried them, canceled another rollout, deleted a finished one), the second run" \
  "${second%% *} (idempotent)"
