#!/usr/bin/env bash
# check-generated.sh fails when the committed generated files (templ's *_templ.go, the
# Tailwind stylesheet static/css/app.css and internal/montgomery/pair64_amd64.s) are not what `make generate` makes from their sources:
# it runs the generators and compares every generated file before and after. Comparing contents
# (rather than asking git) keeps it useful before a commit: consistent, uncommitted work passes.
# With CI set (a clean clone), it also requires the generated files to match git exactly, so a
# generated file that was never committed, or committed stale, fails the build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

css=static/css/app.css

generated_files() {
	find . -name node_modules -prune -o -name '.?*' -prune -o -name '*_templ.go' -print
	echo ./internal/montgomery/pair64_amd64.s
	if [[ -f $css ]]; then echo "./$css"; fi
}

snapshot() {
	generated_files | LC_ALL=C sort | while IFS= read -r f; do
		sha256sum -- "$f"
	done
}

before=$(snapshot)
make --no-print-directory generate
after=$(snapshot)

if [[ "$before" != "$after" ]]; then
	{
		echo
		echo "check-generated: FAILED: generated files were out of date with their sources:"
		# Files that changed or appeared, then files that are no longer generated.
		LC_ALL=C comm -13 <(echo "$before" | LC_ALL=C sort) <(echo "$after" | LC_ALL=C sort) |
			sed 's/^[0-9a-f]*  \.\//  /'
		LC_ALL=C comm -23 <(echo "$before" | sed 's/^[0-9a-f]*  //' | LC_ALL=C sort) \
			<(echo "$after" | sed 's/^[0-9a-f]*  //' | LC_ALL=C sort) | sed 's/^\.\//  (no longer generated) /'
		echo "A .templ file, tailwind.config.js, static/src/input.css or gen_pair64.go was changed without running"
		echo "'make generate'. They have now been regenerated: review them (git diff) and commit them."
		echo
	} >&2
	exit 1
fi

case "${CI:-}" in
"" | 0 | false | FALSE) ;;
*)
	changed=$(git status --porcelain --untracked-files=all -- ':(glob)**/*_templ.go' "$css" internal/montgomery/pair64_amd64.s)
	if [[ -n $changed ]]; then
		{
			echo
			echo "check-generated: FAILED: generated files differ from what is committed:"
			echo "$changed" | sed 's/^/  /'
			echo "Run 'make generate' and commit the results."
			echo
		} >&2
		exit 1
	fi
	;;
esac
echo "check-generated: generated files are up to date"
