# Shared by scripts/run, scripts/test, scripts/db and scripts/bench. Source it; do not run it.
# shellcheck shell=bash

PW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PW_ROOT

pw_say() { printf '\033[1mpagewire:\033[0m %s\n' "$*" >&2; }
pw_die() { printf '\033[1;31mpagewire:\033[0m %s\n' "$*" >&2; exit 1; }

# Debian packages every part of Pagewire needs at build or run time.
PW_PACKAGES=(
    pkg-config
    mariadb-server mariadb-client libmariadb-dev
    libargon2-dev
    libspandsp-dev libtiff-dev libtiff-tools
    libmagickwand-dev imagemagick ghostscript
    libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui
    libcurl4-openssl-dev
    procps psmisc util-linux
    kamailio baresip-core
)

# Installs whatever of the named (or default) packages is missing; silent when all are present.
pw_install_packages() {
    local wanted=("$@")
    [ ${#wanted[@]} -gt 0 ] || wanted=("${PW_PACKAGES[@]}")
    local missing=()
    local p
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    pw_say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null || pw_die "apt-get update failed"
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || pw_die "apt-get install failed for: ${missing[*]}"
}

# Builds every product; PW_CONFIGURATION=release for an optimised build.
pw_build() {
    local conf="${PW_CONFIGURATION:-debug}"
    pw_say "building ($conf)"
    (cd "$PW_ROOT" && swift build -c "$conf" "$@") || pw_die "build failed"
    PW_BIN="$(cd "$PW_ROOT" && swift build -c "$conf" --show-bin-path)"
    export PW_BIN
}
