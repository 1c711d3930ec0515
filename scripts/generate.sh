#!/usr/bin/env bash
# generate.sh regenerates the committed generated files from their sources:
#   - assembly: internal/montgomery/pair64_amd64.s from gen_pair64.go.
#   - templ: *_templ.go from *.templ, with the templ version pinned by go.mod's tool directive.
#     It runs once per top-level directory holding .templ files (`-path views`), so the file
#     names templ embeds in its error values are relative to that directory ("code.templ"),
#     exactly as `cd views && go tool templ generate` writes them.
#   - Tailwind: static/css/app.css from static/src/input.css and tailwind.config.js, with the
#     Tailwind version pinned by the root package-lock.json.
# Each generator runs only if its inputs exist.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# --- templ -----------------------------------------------------------------------------------
mapfile -t templ_files < <(find . -name node_modules -prune -o -name '.?*' -prune -o -name '*.templ' -print | LC_ALL=C sort)
if ((${#templ_files[@]} > 0)); then
	declare -A tops=()
	for f in "${templ_files[@]}"; do
		f=${f#./}
		if [[ $f == */* ]]; then
			tops[${f%%/*}]=1
		else
			# A .templ file at the repository root: generate just that file.
			echo "templ generate -f $f"
			go tool templ generate -f "$f" -log-level error
		fi
	done
	for dir in $(printf '%s\n' "${!tops[@]}" | LC_ALL=C sort); do
		echo "templ generate -path $dir"
		go tool templ generate -path "$dir" -log-level error
	done
fi

# --- assembly --------------------------------------------------------------------------------
# internal/montgomery's 64-bit-word Pair products, written by a Go program (gen_pair64.go).
echo "go run gen_pair64.go -> internal/montgomery/pair64_amd64.s"
(cd internal/montgomery && go run gen_pair64.go -out pair64_amd64.s)

# --- Tailwind --------------------------------------------------------------------------------
if [[ -f tailwind.config.js && -f static/src/input.css ]]; then
	tailwind=node_modules/.bin/tailwindcss
	if [[ ! -x $tailwind ]]; then
		echo "generate: $tailwind is missing; run 'make deps' (or: npm ci)" >&2
		exit 1
	fi
	echo "tailwindcss -> static/css/app.css"
	export BROWSERSLIST_IGNORE_OLD_DATA=1 # the "caniuse-lite is outdated" nag; the lock pins it
	"$tailwind" -c tailwind.config.js -i static/src/input.css -o static/css/app.css --minify 2>&1 |
		{ grep -v -e '^$' -e '^Rebuilding\.\.\.' -e '^Done in ' || true; }
	test -s static/css/app.css
fi
