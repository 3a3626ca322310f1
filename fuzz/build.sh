#!/usr/bin/env bash
# Builds every fuzz target so CI notices when one stops compiling. Fuzzing
# needs a nightly toolchain and cargo-fuzz; without nightly this says so in
# one line and succeeds, so stable-only machines still pass CI.
#
# Run a target locally with, for example:
#   cd fuzz && cargo +nightly fuzz run shell_classify -- \
#     -max_total_time=300 -timeout=2 -dict=dict/shell.dict
set -euo pipefail
cd "$(dirname "$0")"

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz build skipped: no nightly toolchain (cargo +nightly failed); install one with \`rustup toolchain install nightly\`"
    exit 0
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cargo +nightly fuzz build
