#!/usr/bin/env bash
# build-static.sh OUT builds the bridgekeeper binary the way every deployment ships it: static
# (no cgo, so it runs in an empty container image), reproducible paths (-trimpath), stripped, with
# the version stamped from $VERSION when set. deploy/Dockerfile runs it, and
# e2e/deploy_test.go builds and runs the same binary.
set -euo pipefail
out=${1:?usage: deploy/build-static.sh OUT}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ldflags="-s -w"
if [[ -n ${VERSION:-} ]]; then
	ldflags+=" -X main.buildVersion=${VERSION}"
fi
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out" ./cmd/bridgekeeper
