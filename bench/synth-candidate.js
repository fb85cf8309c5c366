'use strict';
/**
 * The ums-ha side of the synthesis benchmark: the real app entry (bin/ums-ha-app.js, which loads the
 * bundled app with its compile cache; synthesize) over a folder of topology files.
 *   node bench/synth-candidate.js TOPOLOGY_DIR OUTDIR
 * Prints {"ms": ..., "maxRssMb": ..., "stacks": n} measured in this process.
 */
const started = process.hrtime.bigint();
const path = require('node:path');
const { synthesize } = require(path.join(__dirname, '..', 'bin', 'ums-ha-app.js')).loadApp().exports;
const [topologyDir, outdir] = process.argv.slice(2);
const result = synthesize({ topologyDir, outdir, log: (l) => process.stderr.write(`${l}\n`) });
if (result.code !== 0) process.exit(1);
process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024, stacks: result.stacks.length }));
