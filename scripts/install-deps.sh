#!/usr/bin/env bash
# Installs the Debian (bookworm) packages that hookme needs, with apt-get.
#
#   scripts/install-deps.sh [--build | --build-only | --runtime]
#
#   --build       (default) everything to build the service and run the whole test suite:
#                 compiler, CMake, Ninja, Qt 6 and QCoro development files, the SQLite and
#                 PostgreSQL Qt SQL drivers, Qt Charts, Xvfb, a PostgreSQL server, wrk,
#                 Node.js with npm, curl.
#   --build-only  what building the service needs, without the test-only tools (no
#                 PostgreSQL server, Xvfb, wrk or Node.js); the Docker build stage uses it.
#   --runtime     only what the built `hookme` binary loads at run time (Qt Core, Network,
#                 HttpServer with its WebSockets dependency, Sql with the sqlite and psql
#                 drivers, QCoro Core and Network), CA certificates for HTTPS to GitHub, and
#                 curl for health checks.
#
# Runs apt-get as root, or through sudo when not root. When every package is installed
# already it does not touch apt at all, so repeated runs take well under a second.
set -euo pipefail

mode=build
for arg in "$@"; do
    case "$arg" in
        --build) mode=build ;;
        --build-only) mode=build-only ;;
        --runtime) mode=runtime ;;
        -h | --help)
            sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
            exit 0
            ;;
        *)
            echo "install-deps: unknown argument '$arg' (use --build, --build-only or --runtime)" >&2
            exit 2
            ;;
    esac
done

# What building needs (the Docker build stage, and the base of --build).
build_only_packages=(
    build-essential cmake ninja-build
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev qcoro-qt6-dev
    libqt6sql6-sqlite libqt6sql6-psql
    curl ca-certificates
)

# What the test suite needs on top: a virtual X server for GUI tests (xauth is only a
# Recommends of xvfb, but xvfb-run needs it), a PostgreSQL server, a load generator, and
# Node.js with npm for tests that run a reference library.
test_packages=(xvfb xauth postgresql wrk)

# The binary's run-time libraries, found with `ldd build/service/hookme` and `dpkg -S`.
# libqt6websockets6 is pulled in by libqt6httpserver6; it is listed so the list matches ldd.
runtime_packages=(
    libqt6core6 libqt6network6 libqt6httpserver6 libqt6websockets6 libqt6sql6
    libqt6sql6-sqlite libqt6sql6-psql
    libqcoro6core0 libqcoro6network0
    ca-certificates curl
)

case "$mode" in
    build-only) packages=("${build_only_packages[@]}") ;;
    runtime) packages=("${runtime_packages[@]}") ;;
    build)
        packages=("${build_only_packages[@]}" "${test_packages[@]}")
        # Node.js: a machine may already have a Node.js that did not come from Debian (for
        # example NodeSource's nodejs, which bundles npm and declares `Conflicts: npm`).
        # Debian's npm package would then either fail to install or replace that Node.js
        # with Debian's older one, so when `node` is on PATH we keep it and install neither.
        if command -v node >/dev/null 2>&1; then
            echo "install-deps: node $(node --version 2>/dev/null || echo '?') is on PATH; not installing Debian's nodejs/npm"
            if ! command -v npm >/dev/null 2>&1; then
                echo "install-deps: warning: node is on PATH but npm is not; tests that need npm may fail" >&2
            fi
        else
            packages+=(nodejs npm)
        fi
        ;;
esac

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for package in "${packages[@]}"; do
    if ! is_installed "$package"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages for --$mode are installed already"
    exit 0
fi

if ((EUID == 0)); then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
fi

apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)

echo "install-deps: installing for --$mode: ${missing[*]}"
echo "install-deps: apt-get update"
"${apt_get[@]}" update
echo "install-deps: apt-get install --no-install-recommends ${missing[*]}"
"${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"
echo "install-deps: done"
