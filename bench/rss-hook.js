'use strict';
// Preloaded (node -r) by the bench: writes the process's peak resident memory (KB) to the file
// UMS_HA_BENCH_RSS names when the process exits.
process.on('exit', () => {
  if (process.env.UMS_HA_BENCH_RSS) require('node:fs').writeFileSync(process.env.UMS_HA_BENCH_RSS, String(process.resourceUsage().maxRSS));
});
