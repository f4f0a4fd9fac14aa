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
    libgmime-3.0-dev libspf2-dev swaks python3 openssl postfix
    procps psmisc util-linux
    kamailio baresip-core
    chromium chromium-driver
    poppler-utils   # api tests: pdftotext reads transmission reports and PDF page downloads
    openssh-server fonts-dejavu-core   # receive (issue 9): sshd for the SFTP tests; the stamp font
    zbar-tools librsvg2-bin   # portal: zbarimg reads back the TOTP enrolment QR codes, rsvg-convert draws their SVG
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
    # Postfix (a test peer for e-mail to fax) installs without configuring a system mailer.
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
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

# The Python tools tests call (scripts/lib/test-requirements.txt: the OpenAPI validator, Selenium
# for the browser tests, ...), in var/venv-test; reinstalled only when the requirements change.
# Tests find it through PAGEWIRE_TEST_PYTHON (and PAGEWIRE_TEST_BROWSER_PYTHON, the same venv).
pw_test_venv() {
    local venv="$PW_ROOT/var/venv-test"
    local requirements="$PW_ROOT/scripts/lib/test-requirements.txt"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || pw_die "cannot create $venv"
    if ! cmp -s "$requirements" "$venv/.requirements"; then
        pw_say "installing Python test tools into var/venv-test"
        "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" || pw_die "pip install failed"
        cp "$requirements" "$venv/.requirements"
    fi
    PAGEWIRE_TEST_PYTHON="$venv/bin/python"
    PAGEWIRE_TEST_BROWSER_PYTHON="$venv/bin/python"
    export PAGEWIRE_TEST_PYTHON PAGEWIRE_TEST_BROWSER_PYTHON
}
