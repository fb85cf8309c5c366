#!/usr/bin/env node
'use strict';
// `npm run synth` until cdktf synthesis lands: validates every topology in UMS_TOPOLOGY_DIR
// (default topologies/) with the same CLI the pull-request check uses, and fails on an error.
const path = require('node:path');
const dir = process.env.UMS_TOPOLOGY_DIR || 'topologies';
require(path.join(__dirname, '..', 'dist', 'ums-ha-cli.js'))
  .main(['validate', dir])
  .then((code) => {
    process.exitCode = code;
  });
