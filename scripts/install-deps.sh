#!/usr/bin/env bash
# install-deps.sh installs everything `make test` needs beyond Go and node/npm:
#   - Debian packages: chromium and fonts-liberation (browser tests), redis-server (the Redis
#     store's tests), git (check-generated), openssl (tests that cross-check keys with it);
#   - npm packages: the repository root's (Tailwind, axe-core for the accessibility test) and
#     e2e/node's (cognito-local, amazon-cognito-identity-js, openid-client), from their lock files;
#   - Go modules (go mod download), including the tools named in go.mod (templ, staticcheck).
# It is idempotent and quick when everything is already present: apt is only consulted for a
# missing command, and `npm ci` only runs when a lock file changed since the last install.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------------------------
# present PACKAGE reports whether what the tests use from PACKAGE is installed.
present() {
	case $1 in
	fonts-liberation) [[ -d /usr/share/fonts/truetype/liberation ]] ;; # text metrics in browser tests
	*) command -v "$1" >/dev/null 2>&1 ;;                             # chromium, redis-server, git
	esac
}
missing=()
for pkg in chromium fonts-liberation redis-server git openssl; do
	present "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
	if [[ $(id -u) -ne 0 ]]; then
		die "missing system packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
	fi
	command -v apt-get >/dev/null 2>&1 ||
		die "missing system packages: ${missing[*]}, and apt-get is not available to install them"
	export DEBIAN_FRONTEND=noninteractive
	log "installing ${missing[*]} with apt-get"
	# Try without refreshing the package lists first; refresh once if that fails (fresh images
	# ship without lists).
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}"
	fi
fi
# Debian's redis-server package starts a system-wide server on port 6379; the tests start their
# own on free ports and do not need it, so it is left alone.

# --- npm packages ----------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is not installed (need node 20 or later): apt-get install nodejs npm"
command -v npm >/dev/null 2>&1 || die "npm is not installed: apt-get install npm"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
	die "node $(node --version) is too old: the test tools need node 20 or later"

# npm_install DIR installs DIR's npm dependencies unless node_modules already matches the lock
# file (recorded as a hash in node_modules/.install-deps-stamp).
npm_install() {
	local dir=$1 stamp want rel
	rel=${dir#"$root"}
	rel=${rel#/}
	rel=${rel:-.}
	[[ -f "$dir/package.json" ]] || return 0
	stamp="$dir/node_modules/.install-deps-stamp"
	if [[ -f "$dir/package-lock.json" ]]; then
		want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
	else
		want=$(sha256sum <"$dir/package.json" | cut -d' ' -f1)
	fi
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
		return 0
	fi
	if [[ -f "$dir/package-lock.json" ]]; then
		log "npm ci in $rel"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	else
		log "npm install in $rel (no package-lock.json: commit the one this creates)"
		(cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
	fi
	echo "$want" >"$stamp"
}
npm_install "$root"
npm_install "$root/e2e/node"

# --- Go modules ------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "go is not installed (need Go 1.26): see https://go.dev/doc/install"
go mod download
