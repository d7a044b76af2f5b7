#!/usr/bin/env bash
# The one test command (`npm test`): system peers, lint, then every test (unit, interop with OpenSSL and
# gpgsm, corpora, Chromium end-to-end). Ends with one 'N passed, N failed' line over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
bash test/tools/ensure-system-deps.sh || exit 1
mkdir -p .tmp
status=0
npm run -s lint || { echo "lint failed" >&2; status=1; }
# The extension and add-in are built once here; their browser tests load the build.
if [ -f extension/vite.config.ts ]; then npm run -s build || { echo "build failed" >&2; status=1; }; fi
npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json "$@"
vt=$?
[ $vt -ne 0 ] && status=$vt
node -e '
const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
const failed = r.numFailedTests + (r.numFailedTestSuites || 0) - 0;
console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed`);
if (r.numTotalTests === 0) process.exit(3);
' || status=1
exit $status
