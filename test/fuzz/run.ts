/**
 * `npm run fuzz [-- TARGET...] [--seconds N]`: long campaigns (default 600 s a target). Findings are
 * printed with the file that reproduces them; copy it into test/fuzz/regressions/TARGET/ so the
 * regression test replays it forever.
 */
import { runCampaign } from './run-campaign';
import { TARGET_NAMES } from './targets/index';

const args = process.argv.slice(2).filter((a) => a !== '--long');
const secIdx = args.indexOf('--seconds');
const seconds = secIdx >= 0 ? Number(args.splice(secIdx, 2)[1]) : 600;
const targets = args.length ? args : TARGET_NAMES;
let failed = false;
for (const t of targets) {
  const r = await runCampaign(t, seconds, Date.now() & 0xffff);
  console.log(
    `${t}: ${r.execs} execs, corpus ${r.corpus}, ${r.coverage} coverage points, ${r.findings.length} findings`,
  );
  for (const f of r.findings) {
    failed = true;
    console.log(`  ${f.type}: ${f.file}\n    ${f.message.split('\n').slice(0, 6).join('\n    ')}`);
  }
}
process.exitCode = failed ? 1 : 0;
