#!/usr/bin/env bash
# Sets up and runs hookme in one command:
#
#   WEBHOOK_URL=https://example.test/hook ./scripts/run.sh
#
# installs the build packages (scripts/install-deps.sh --build-only; a no-op when they are
# there), builds into `build` (scripts/build.sh, without the test suites), and replaces
# itself with build/service/hookme. Settings come from the environment (see README.md);
# WEBHOOK_URL is required and hookme says so when it is missing. DATA_DIR defaults to
# `data` in the repository root. Arguments are passed to hookme.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/install-deps.sh --build-only
scripts/build.sh build -- -DHOOKME_BUILD_TESTS=OFF
exec build/service/hookme "$@"
