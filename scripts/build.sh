#!/usr/bin/env bash
# Configures hookme with CMake and Ninja, then builds it.
#
#   scripts/build.sh [BUILD_DIR] [-- CMAKE_CONFIGURE_ARGS...]
#
# BUILD_DIR defaults to `build` (relative paths are taken from the repository root). The
# build type is RelWithDebInfo. Everything after `--` goes to the CMake configure step
# as is, after this script's own options, so it can override them, for example:
#
#   scripts/build.sh build-debug -- -DCMAKE_BUILD_TYPE=Debug -DHOOKME_BUILD_TESTS=OFF
#
# The executable ends up in BUILD_DIR/service/hookme. Needs the packages that
# scripts/install-deps.sh installs.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

build_dir=build
if (($# > 0)) && [[ "$1" != "--" ]]; then
    build_dir="$1"
    shift
fi
if (($# > 0)); then
    if [[ "$1" != "--" ]]; then
        echo "build.sh: usage: scripts/build.sh [BUILD_DIR] [-- CMAKE_CONFIGURE_ARGS...]" >&2
        exit 2
    fi
    shift
fi

# A build directory that an earlier configure made with another generator cannot be
# switched to Ninja in place; say so instead of letting CMake fail obscurely.
if [[ -f "$build_dir/CMakeCache.txt" ]] &&
    ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build_dir/CMakeCache.txt"; then
    echo "build.sh: $build_dir was configured with another generator than Ninja; remove it or pick another directory" >&2
    exit 1
fi

echo "build.sh: configuring $build_dir${*:+ with $*}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
echo "build.sh: building"
cmake --build "$build_dir"
