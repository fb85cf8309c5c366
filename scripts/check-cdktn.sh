#!/usr/bin/env bash
# The framework exit, proven: installs this app in a temporary folder with `cdktf` aliased to CDK
# Terrain (cdktn 0.24.0, the community continuation of cdktf with the same API) and constructs
# raised to what cdktn needs, synthesizes every example topology with the same bundle, and compares
# each file with the cdktf 0.21 output of this checkout: they must be equal apart from the
# framework's version string (JSON files as JSON values); then `cdktn synth` of a second site must
# exit 0 with exactly that site's stack. docs/framework.md describes the switch.
#
#   scripts/check-cdktn.sh [NODE22]   NODE22: a Node.js 22 binary; with it the app also runs on
#                                      Node.js 22 (cdktn declares engines >= 22.19), and
#                                      `cdktn synth` (cdktn-cli, which needs Node.js 22) runs it
#
# Run by .ci/run after `npm test` (needs the built checkout and the npm registry). Exit 0 equal,
# 1 a difference (printed), 2 a setup problem.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
node22=${1:-}

CDKTN=0.24.0
CONSTRUCTS=10.6.0 # cdktn 0.24.0: peer constructs >=10.6.0 <10.8.0; cdktn-cli 0.24.0 pins 10.6.0

[ -f dist/ums-ha-app.js ] && [ -f dist/ums-ha-app.inputs.json ] || { echo "check-cdktn: build first (npm run build)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ums-ha-cdktn-XXXXXX")
[ -n "${UMS_HA_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# The app twice, as installed: its sources (the app entry checks the bundle against them) and the
# bundle; once with this checkout's node_modules (cdktf 0.21), once with a package.json with the
# switch applied and its own install. Both synthesize into their own cdktf.out, so paths relative
# to the project are the same.
app=$work/cdktn/app
reference=$work/cdktf/app
mkdir -p "$app" "$reference"
# Everything of the checkout but the installed packages, the history, outputs and the tests.
for entry in * .[!.]*; do
  case $entry in node_modules | .git | cdktf.out | __tests__ | coverage | .terraform | terraform.* | package.json | package-lock.json) continue ;; esac
  [ -e "$entry" ] && cp -R "$entry" "$app"/ && cp -R "$entry" "$reference"/
done
cp package.json "$reference"/
ln -s "$root/node_modules" "$reference/node_modules"
node - "$root/package.json" "$app/package.json" "$CDKTN" "$CONSTRUCTS" <<'EOF'
const fs = require('node:fs');
const [from, to, cdktn, constructs] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(from, 'utf8'));
// The switch (docs/framework.md): cdktf becomes an npm alias of cdktn, constructs follows, and
// `overrides` hands the same two to every package that names them (the provider bindings' peer
// dependencies cdktf ^0.21.0 and constructs ^10.4.2 included).
pkg.dependencies.cdktf = `npm:cdktn@${cdktn}`;
pkg.dependencies.constructs = constructs;
pkg.overrides = { ...(pkg.overrides || {}), cdktf: '$cdktf', constructs: '$constructs' };
// Synthesis needs no dev tool; the bundle is built already.
delete pkg.devDependencies;
delete pkg.scripts;
fs.writeFileSync(to, `${JSON.stringify(pkg, null, 2)}\n`);
EOF
(cd "$app" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >"$work/npm.log" 2>&1) || {
  echo "check-cdktn: npm install with cdktf aliased to cdktn@$CDKTN failed:" >&2
  cat "$work/npm.log" >&2
  exit 2
}
installed=$(node -p "require('$app/node_modules/cdktf/package.json').name + '@' + require('$app/node_modules/cdktf/package.json').version")
[ "$installed" = "cdktn@$CDKTN" ] || { echo "check-cdktn: node_modules/cdktf is $installed, not cdktn@$CDKTN" >&2; exit 2; }
nested=$(cd "$app" && find node_modules -path '*/node_modules/cdktf/package.json' -not -path 'node_modules/cdktf/package.json' | head -1)
[ -z "$nested" ] || { echo "check-cdktn: a second cdktf is installed at $nested" >&2; exit 2; }

synth() { # NODE OUTDIR CWD
  (cd "$3" && env -u UMS_HA_DEBUG UMS_TOPOLOGY_DIR=topologies CDKTF_OUTDIR="$2" "$1" bin/ums-ha-app.js >/dev/null)
}
synth node "$reference/cdktf.out" "$reference"
runs=("node:$(node --version)")
[ -n "$node22" ] && runs+=("$node22:$("$node22" --version)" "cli:$("$node22" --version)")
status=0
for run in "${runs[@]}"; do
  bin=${run%%:*}
  version=${run#*:}
  if [ "$bin" = cli ]; then
    # The CLI too: cdktn-cli 0.24.0 (Node.js >= 22; on 20 it stops with
    # "util.markAsUncloneable is not a function") runs cdktf.json's app as `cdktf synth` does.
    version="$version, cdktn synth"
    (cd "$app" && npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "cdktn-cli@$CDKTN" >"$work/npm-cli.log" 2>&1) || {
      echo "check-cdktn: npm install cdktn-cli@$CDKTN failed:" >&2
      cat "$work/npm-cli.log" >&2
      exit 2
    }
    out=$app/cdktf.out
    rm -rf "$out"
    (cd "$app" && env -u UMS_HA_DEBUG PATH="$(dirname "$node22"):$PATH" CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1 CI=1 \
      node_modules/.bin/cdktn synth >"$work/cdktn-synth.log" 2>&1) || {
      echo "check-cdktn: cdktn synth on Node.js $version failed:" >&2
      cat "$work/cdktn-synth.log" >&2
      exit 1
    }
  else
    out=$app/cdktf.out
    rm -rf "$out"
    synth "$bin" "$out" "$app" || { echo "check-cdktn: synthesis with cdktn on Node.js $version failed" >&2; exit 1; }
  fi
  # Equal apart from the framework's version string ("version": "0.21.0" / "0.24.0" in manifest.json
  # and in every stack's "//" metadata).
  node - "$reference/cdktf.out" "$out" "$version" "$installed" "$reference" "$app" <<'EOF' || status=1
const fs = require('node:fs');
const path = require('node:path');
const [a, b, node, framework, rootDir, appDir] = process.argv.slice(2);
const files = (dir) => fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
// The framework's version string is what may differ (and the project folder, should an absolute
// path appear). JSON files are compared as values: cdktn writes an empty array as [], cdktf as [
// and ] on two lines.
const normal = (text, project) => {
  const t = text.split(project).join('<project>').replace(/"version": "0\.(21\.0|24\.0)"/g, '"version": "<framework>"');
  try {
    return JSON.stringify(JSON.parse(t), null, 1);
  } catch {
    return t;
  }
};
const left = files(a);
const right = files(b);
let same = JSON.stringify(left) === JSON.stringify(right);
if (!same) console.error(`check-cdktn: Node.js ${node}: other files: cdktf ${left.join(', ')}; cdktn ${right.join(', ')}`);
let stacks = 0;
for (const f of left.filter((x) => right.includes(x))) {
  const x = fs.readFileSync(path.join(a, f), 'utf8');
  const y = fs.readFileSync(path.join(b, f), 'utf8');
  if (normal(x, rootDir) !== normal(y, appDir)) {
    same = false;
    const lx = normal(x, rootDir).split('\n');
    const ly = normal(y, appDir).split('\n');
    const i = lx.findIndex((l, k) => l !== ly[k]);
    console.error(`check-cdktn: Node.js ${node}: ${f} differs at line ${i + 1}:\n  cdktf: ${lx[i]}\n  cdktn: ${ly[i]}`);
  } else if (x === y && /"version": "0\.21\.0"/.test(x)) {
    same = false;
    console.error(`check-cdktn: Node.js ${node}: ${f} still names cdktf 0.21.0`);
  }
  if (f.endsWith('cdk.tf.json')) stacks++;
}
if (stacks === 0) {
  same = false;
  console.error('check-cdktn: no stack synthesized');
}
if (same) console.log(`check-cdktn: ${framework} on Node.js ${node}: ${stacks} stacks, ${left.length} files equal to cdktf 0.21's apart from the framework version`);
process.exit(same ? 0 : 1);
EOF
  if [ "$bin" = cli ]; then
    # A stack that goes away (the second site): cdktn-cli lists stacks/ before it runs the app and
    # removes afterwards the folders the manifest does not name, as cdktf-cli does; the app leaves
    # them to it, so the CLI exits 0 and the output holds exactly the second site's stack.
    second=$work/second-site
    mkdir -p "$second"
    cp "$app/topologies/berlin-small.yaml" "$second/"
    (cd "$app" && env -u UMS_HA_DEBUG PATH="$(dirname "$node22"):$PATH" CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1 CI=1 UMS_TOPOLOGY_DIR="$second" \
      node_modules/.bin/cdktn synth >"$work/cdktn-second.log" 2>&1) || {
      echo "check-cdktn: cdktn synth of a second site on Node.js $version failed:" >&2
      cat "$work/cdktn-second.log" >&2
      exit 1
    }
    left=$(ls "$out/stacks")
    if [ "$left" = berlin-small ]; then
      echo "check-cdktn: cdktn synth of a second site on Node.js $version: exit 0, stacks/ holds exactly berlin-small"
    else
      echo "check-cdktn: after cdktn synth of a second site, stacks/ holds: $left" >&2
      status=1
    fi
  fi
done
exit $status
