#!/usr/bin/env node
'use strict';
/**
 * Regenerates the golden files in __tests__/golden/ from the built code (npm run golden). Golden
 * files change only through this script; review the diff before committing it.
 */
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const { goldenOutputs } = require(path.join(root, 'dist', 'core', 'reports', 'golden.js'));
const dir = path.join(root, '__tests__', 'golden');
fs.mkdirSync(dir, { recursive: true });
const outputs = goldenOutputs(root);
for (const f of fs.readdirSync(dir)) if (!(f in outputs)) fs.rmSync(path.join(dir, f));
for (const [name, text] of Object.entries(outputs)) fs.writeFileSync(path.join(dir, name), text);
process.stdout.write(`wrote ${Object.keys(outputs).length} golden files to __tests__/golden/\n`);
