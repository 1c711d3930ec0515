# Bridgekeeper: the two commands people need are
#   make demo   run the service with a built-in local user pool
#   make test   install what the tests need, then run every check and test
# The other targets are the steps of `make test` and a few conveniences.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# The steps of `make test` must run in order, even under `make -j`.
.NOTPARALLEL:

GO ?= go
# Generous: the whole suite should take a few minutes; this only stops a hung test.
TEST_TIMEOUT ?= 30m
TEST_FLAGS ?=

# The steps of `make test`, in order.
TEST_STEPS = deps check-generated fmt vet lint go-test

.PHONY: demo test deps generate check-generated fmt vet lint build bench bench-compare go-test i18n-missing fuzz screenshots

## demo: run the service with its built-in local user pool and demo app. The binary is built and
## then exec'd (not `go run`, which exits 1 after Ctrl-C), so Ctrl-C stops it and make exits 0.
demo:
	@$(GO) build -o bin/bridgekeeper ./cmd/bridgekeeper
	@exec bin/bridgekeeper demo $(DEMO_FLAGS)

## test: the whole suite, from a fresh machine: deps, generated files, gofmt, vet, staticcheck, tests
test:
	@start=$$(date +%s); status=0; failed=; times=; \
	for step in $(TEST_STEPS); do \
		t0=$$(date +%s); \
		$(MAKE) --no-print-directory $$step || { status=$$?; failed=$$step; }; \
		times="$$times$${times:+, }$$step $$(( $$(date +%s) - t0 ))s"; \
		[[ $$status -eq 0 ]] || break; \
	done; \
	elapsed=$$(( $$(date +%s) - start )); \
	if [[ $$status -eq 0 ]]; then result=passed; else result="FAILED at $$failed"; fi; \
	printf 'make test: %s in %dm%02ds (%s)\n' "$$result" $$((elapsed / 60)) $$((elapsed % 60)) "$$times"; \
	exit $$status

## deps: install system packages, npm packages and Go modules the build and tests need
deps:
	@bash scripts/install-deps.sh

## go-test: the Go tests, with the race detector
go-test:
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) ./...
	@# 100,000 sign-ins: too slow under the race detector (oidc/storesize_norace_test.go); allocation
	@# counts: inexact under it (oidc/allocs_norace_test.go)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -run '^(TestStoreStaysSmall|TestOpaqueSealAllocations)$$' ./oidc

## generate: regenerate templ's Go code and the Tailwind stylesheet (each only if its inputs exist)
generate:
	@bash scripts/generate.sh

## check-generated: fail if generating again changes any generated file (a .templ, the Tailwind
## config or a class used in a template was edited without running `make generate`)
check-generated:
	@bash scripts/check-generated.sh

## fmt: fail if any Go file is not gofmt-formatted (fix with: gofmt -w <file>)
fmt:
	@files=$$(find . -name node_modules -prune -o -name '.?*' -prune -o -name '*.go' -print | xargs -r gofmt -l); \
	if [[ -n $$files ]]; then \
		echo "fmt: these Go files are not gofmt-formatted (fix with: gofmt -w <file>):"; \
		echo "$$files" | sed 's/^\.\//  /'; \
		exit 1; \
	fi

## vet: go vet
vet:
	$(GO) vet ./...
	GOARCH=386 $(GO) vet ./... # 32-bit words: internal/montgomery's radix-2^52 form and store's scores

## lint: staticcheck
lint:
	$(GO) tool staticcheck ./...

## build: compile every package and the bridgekeeper binary into bin/
build:
	$(GO) build ./...
	@if [[ -d cmd/bridgekeeper ]]; then \
		$(GO) build -o bin/bridgekeeper ./cmd/bridgekeeper && echo "built bin/bridgekeeper"; \
	fi

## i18n-missing: list, per language, the message ids its catalog lacks (and ids English lacks)
i18n-missing:
	@$(GO) run ./i18n/missing

## bench: run the benchmarks (no tests)
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

## bench-compare: Bridgekeeper beside zitadel/oidc's example provider, oidc-provider and Dex, side
## by side (docs/benchmarks.md); needs go, node, npm and a C compiler (Dex is built with cgo);
## BENCH_FLAGS="-rounds 3 -parked 0" etc.
bench-compare:
	$(GO) run ./bench/cmd/bench-compare $(BENCH_FLAGS)

# How long `make fuzz` runs each fuzz target, and the packages it looks in.
FUZZTIME ?= 30s
FUZZ_PACKAGES ?= ./handlers ./cognito ./identity ./internal/awsjson ./internal/montgomery ./internal/rsasign
# How long the fuzzer may minimize each new input: the targets sign in per input, and go's default
# (60s per input) spent most of FUZZTIME minimizing (148 executions in 30 s instead of ~7,000).
FUZZMINIMIZETIME ?= 10x

## fuzz: run every Go fuzz target in turn for FUZZTIME each (go test -fuzz takes one target per
## run); a failing input is saved under the package's testdata/fuzz/ and fails the run
fuzz:
	@status=0; for pkg in $(FUZZ_PACKAGES); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz: $$pkg $$target for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg || status=1; \
		done; \
	done; exit $$status

## screenshots: render the README's screenshots (docs/screenshots/, docs/screenshot-signin.png)
## of the current pages in headless Chromium; commit them after changing how the sign-in page looks
screenshots:
	$(GO) test -count=1 -run '^TestScreenshots$$' ./e2e -args -update-screenshots
