#!/usr/bin/env bash
# `npm run audit:deps`: checks the dependencies as far as this machine allows, and says plainly
# what it could not check. Exits 1 on a finding, 0 otherwise (also when a check could not run).
#
# 1. Lockfile sources and integrity (lockfile-lint, offline): every package comes from the npm
#    registry over https and has a sha512 integrity hash, and its name matches its URL.
# 2. Known advisories (npm audit, high and critical): needs the registry's bulk advisory
#    endpoint (POST /-/npm/v1/security/advisories/bulk). Where the registry is reached through
#    a mirror that answers only GET/HEAD (here: 405 Method Not Allowed), it cannot run; no
#    maintained offline advisory database ships as a package (@renovatebot/osv-offline
#    downloads its database from GitHub at run time; osv-scanner is a binary release).
# 3. Registry signatures and provenance (npm audit signatures): needs Sigstore's TUF
#    repository (tuf-repo-cdn.sigstore.dev), unreachable here.
# Where 2 and 3 cannot run, run them where the registry is reachable directly:
#   npm audit --audit-level=high && npm audit signatures
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
not_checked=()
unreachable='audit endpoint returned an error|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|network request to|405 Method Not Allowed'

echo "audit:deps 1/3: lockfile sources and integrity (lockfile-lint)"
if ! npx --no-install lockfile-lint --path package-lock.json --type npm --allowed-hosts npm \
  --validate-https --validate-integrity --validate-package-names; then
  status=1
fi
# lockfile-lint checks the integrity values present, not that each package has one; this npm
# writes lockfiles without `resolved` URLs (omit-lockfile-registry-resolved), so the integrity
# hash is what ties each package to its tarball.
if ! node -e '
  const lock = require("./package-lock.json");
  const bad = Object.entries(lock.packages).filter(([path, p]) => path && !p.link && !/^sha512-/.test(p.integrity ?? ""));
  for (const [path] of bad) console.error(`  no sha512 integrity: ${path}`);
  process.exit(bad.length ? 1 : 0);
'; then
  status=1
fi

echo "audit:deps 2/3: known advisories, high and critical (npm audit)"
out=$(npm audit --audit-level=high --fetch-retries=0 --fetch-timeout=30000 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -Eq "$unreachable" <<<"$out"; then
  reason=$(grep -Eo -m1 "405 Method Not Allowed|ENOTFOUND [^ ]*|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|audit endpoint returned an error" <<<"$out")
  not_checked+=("known advisories: the registry's advisory endpoint did not answer ($reason); run \`npm audit --audit-level=high\` where it is reachable")
elif [ $rc -ne 0 ]; then
  echo "$out"
  status=1
else
  tail -n 3 <<<"$out"
fi

echo "audit:deps 3/3: registry signatures and provenance (npm audit signatures)"
out=$(npm audit signatures --fetch-retries=0 --fetch-timeout=30000 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -Eq "$unreachable" <<<"$out"; then
  host=$(grep -Eo -m1 "ENOTFOUND [^ ]*|EAI_AGAIN [^ ]*" <<<"$out")
  not_checked+=("registry signatures: Sigstore's key repository is not reachable (${host:-network error}); run \`npm audit signatures\` where it is")
elif [ $rc -ne 0 ]; then
  echo "$out"
  status=1
else
  tail -n 3 <<<"$out"
fi

for line in "${not_checked[@]}"; do echo "audit:deps: NOT CHECKED: $line"; done
if [ $status -ne 0 ]; then
  echo "audit:deps: FAILED (see above)"
elif [ ${#not_checked[@]} -gt 0 ]; then
  echo "audit:deps: passed what could be checked here (${#not_checked[@]} check(s) not run, listed above)"
else
  echo "audit:deps: passed"
fi
exit $status
