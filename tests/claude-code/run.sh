#!/usr/bin/env bash
# End-to-end test of writ with the real Claude Code CLI and a scripted model.
#
#   bash tests/claude-code/run.sh
#
# Installs the pinned CLI into tests/claude-code/node_modules with npm if it
# is not there yet (about 400 MB), builds writ in release mode, runs the
# scenario of scenario.py and prints a PASS or FAIL line; exits non-zero on
# failure. Needs node/npm, python3, git and a Rust toolchain. Not part of
# .ci/run because of the download. See README.md.
#
# Environment: CLAUDE_CODE_VERSION (default 2.1.332), WRIT_E2E_KEEP=1 to keep
# the work folder after a pass, WRIT_E2E_NO_NETNS=1 to skip the network
# namespace.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="${CLAUDE_CODE_VERSION:-2.1.332}"

fail() { echo "FAIL: writ with the real Claude Code CLI: $*"; exit 1; }

for tool in node npm python3 git cargo; do
    command -v "$tool" >/dev/null || fail "\`$tool\` is not on PATH"
done

# The CLI. The npm package's postinstall puts the native binary in place of
# bin/claude.exe; where install scripts did not run, use the platform
# package's binary directly.
claude_bin() {
    local candidate
    for candidate in "$here/node_modules/.bin/claude" "$here"/node_modules/@anthropic-ai/claude-code-*/claude; do
        [ -x "$candidate" ] || continue
        if "$candidate" --version 2>/dev/null | grep -q "^$version "; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! claude="$(claude_bin)"; then
    echo "installing @anthropic-ai/claude-code@$version into $here/node_modules"
    (cd "$here" && npm install --no-save --no-audit --no-fund --no-package-lock \
        --prefix "$here" "@anthropic-ai/claude-code@$version") >&2 \
        || fail "npm install of @anthropic-ai/claude-code@$version failed"
    claude="$(claude_bin)" || fail "no working \`claude\` $version after npm install"
fi
echo "Claude Code: $("$claude" --version) ($claude)"

# writ, in release mode.
(cd "$root" && cargo build --release -q -p writ) || fail "cargo build --release -p writ failed"
writ="${CARGO_TARGET_DIR:-$root/target}/release/writ"
[ -x "$writ" ] || fail "no writ binary at $writ"

# The scenario, in a network namespace with only a loopback interface where
# the system allows one, so nothing can leave the machine whatever the CLI
# tries; elsewhere the environment variables and the proxy trap of
# scenario.py are what keep the CLI on 127.0.0.1.
keep=()
[ "${WRIT_E2E_KEEP:-0}" = 1 ] && keep=(--keep)
scenario=(python3 "$here/scenario.py" --writ "$writ" --claude "$claude" "${keep[@]}")

if [ "${WRIT_E2E_NO_NETNS:-0}" != 1 ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
    for flags in -n -rn; do
        if unshare "$flags" ip link set lo up 2>/dev/null; then
            echo "network: a namespace of its own (unshare $flags), loopback only"
            exec unshare "$flags" bash -c 'ip link set lo up && exec "$@"' bash "${scenario[@]}"
        fi
    done
fi
echo "network: no namespace available; relying on the CLI's env switches and the proxy trap"
exec "${scenario[@]}"
