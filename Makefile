# tlsautopsy: build, test and lint entry points (GNU make, bash).
# `make` alone lists the targets. Variables can be overridden: `make test SHARED=/path/to/shared`.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

SWIFT       ?= swift
PYTHON      ?= python3
PREFIX      ?= /usr/local
DESTDIR     ?=
SHARED      ?= ../shared
DEMO_PCAP   ?= Fixtures/captures/demo/demo.pcap
MIN_AGREEMENT ?= 0.99
FUZZ_SECONDS  ?= 60
FUZZ_SMOKE_SECONDS ?= 15

# The release binary carries the Swift runtime and FoundationEssentials linked in: about 6 MB less
# resident memory than loading them as shared libraries (make bench measures it).
RELEASE      := -c release --static-swift-stdlib
# PGO=1: the release binary is optimized with the branch counts of a training run over the
# fixture captures, and linked with ThinLTO (Tests/Tools/pgo_build.py: an instrumented build,
# the training, the build that uses the counts; about twice the build time, 12 to 17 % less
# run time in make bench).
# PGO=0: one plain release build.
PGO          ?= 1
ifeq ($(PGO),1)
BIN          := .build-pgo/use/release/tlsautopsy
else
BIN          := .build/release/tlsautopsy
endif
APT_PACKAGES := libpcap-dev libjemalloc-dev ca-certificates tcpdump python3 openssl
LINT_PATHS   := Sources $(wildcard Tests/*Tests) Tests/Fuzz/Sources Tests/Benchmarks/Benchmarks
AGREEMENT    := $(PYTHON) Tests/Tools/corpus-agreement.py --bin $(BIN) --shared $(SHARED)
BENCH_MICRO  := cd Tests/Benchmarks && $(SWIFT) package --scratch-path ../../.build/benchmarks --disable-sandbox
MUTANTS      ?= 1000
MUTATE       := $(PYTHON) Tests/Tools/mutate-captures.py --bin $(BIN) --shared $(SHARED) --count $(MUTANTS)
# A crashing test reports instead of waiting on the backtracer.
TEST_ENV     := SWIFT_BACKTRACE=enable=no
# libFuzzer targets (Tests/Fuzz): name and largest input each. The pipeline target runs without
# LeakSanitizer's per-input check: certificate checks finish on a Swift concurrency thread after
# the input returns, which that check reports as leaks that never reproduce on replay.
FUZZ_TARGETS := records:16384 client-hello:4096 server-hello:1024 certificate:16384 packet:4096 tcp:4096 pipeline:65536
FUZZ_DIR     := .build/fuzz
FUZZ_BIN     := $(FUZZ_DIR)/release/autopsy-fuzz
# Fuzzing keeps the run-time exclusivity checks that the release build turns off (the last
# -enforce-exclusivity given wins).
FUZZ_BUILD   := -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -enforce-exclusivity=checked

.PHONY: help deps build demo test test-tools lint format install clean golden fixtures registries agreement \
        fuzz-build fuzz fuzz-smoke fuzz-run fuzz-seeds mutate bench bench-cost bench-micro bench-thresholds

help: ## List the targets
	@echo "usage: make TARGET [VARIABLE=value ...]"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 16
	@echo
	@echo "variables: PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SHARED=$(SHARED) DEMO_PCAP=$(DEMO_PCAP)"
	@echo "           MIN_AGREEMENT=$(MIN_AGREEMENT) SWIFT=$(SWIFT) PYTHON=$(PYTHON)"

deps: ## Install the Debian packages the build needs (as root; quiet when present)
	@if ! command -v dpkg >/dev/null 2>&1; then \
	    echo "deps: no dpkg here; install the equivalents of: $(APT_PACKAGES)" >&2; exit 0; \
	fi; \
	missing=""; \
	for package in $(APT_PACKAGES); do \
	    dpkg -s "$$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	    echo "deps: missing Debian packages:$$missing" >&2; \
	    echo "deps: run as root: apt-get update && apt-get install -y --no-install-recommends$$missing" >&2; \
	    exit 1; \
	fi; \
	echo "deps: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update; \
	apt-get install -y --no-install-recommends $$missing
	@command -v $(SWIFT) >/dev/null 2>&1 || { \
	    echo "deps: '$(SWIFT)' not found: install the Swift 6.3 toolchain (https://www.swift.org/install/linux/)" >&2; \
	    exit 1; }

build: deps ## Build the release binary, optimized with a training run's profile (.build-pgo/use/release/tlsautopsy; PGO=0: a plain release build, .build/release/tlsautopsy)
ifeq ($(PGO),1)
	SWIFT=$(SWIFT) $(PYTHON) Tests/Tools/pgo_build.py
else
	$(SWIFT) build $(RELEASE)
endif

demo: build ## Analyze the bundled demo capture (DEMO_PCAP)
	@[ -f "$(DEMO_PCAP)" ] || { echo "demo: no capture at $(DEMO_PCAP)" >&2; exit 1; }
	$(BIN) analyze $(DEMO_PCAP)

test: deps ## Tool tests, unit, engine and CLI tests, lint, fuzz smoke; corpus agreement and mutants when SHARED/corpus exists
	$(MAKE) --no-print-directory test-tools
	$(TEST_ENV) $(SWIFT) build --build-tests
	$(TEST_ENV) $(SWIFT) test
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory fuzz-smoke
	@if [ -d "$(SHARED)/corpus" ]; then \
	    $(MAKE) --no-print-directory build; \
	    echo "$(AGREEMENT) --min $(MIN_AGREEMENT)"; $(AGREEMENT) --min $(MIN_AGREEMENT); \
	    echo "$(MUTATE)"; $(MUTATE); \
	else \
	    echo "test: $(SHARED)/corpus not found: corpus agreement skipped"; \
	fi

test-tools: ## Unit tests of the Python scripts in Tests/Tools
	$(PYTHON) -m unittest discover -s Tests/Tools -p 'test_*.py'

lint: ## swift format lint --strict with the repo's .swift-format
	$(SWIFT) format lint --strict --recursive --parallel --configuration .swift-format $(LINT_PATHS)

format: ## Reformat the sources in place with the repo's .swift-format
	$(SWIFT) format format --in-place --recursive --parallel --configuration .swift-format $(LINT_PATHS)

install: build ## Install the binary to DESTDIR/PREFIX/bin
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 $(BIN) "$(DESTDIR)$(PREFIX)/bin/tlsautopsy"

clean: ## Remove build products (keeps fetched dependencies)
	$(SWIFT) package clean
	for scratch in .build-pgo/gen .build-pgo/use; do \
	    if [ -d "$$scratch" ]; then $(SWIFT) package clean --scratch-path "$$scratch"; fi; \
	done
	rm -rf .build-pgo/raw .build-pgo/profile.profdata .build-pgo/use.key
	rm -rf Tests/Tools/__pycache__

golden: deps ## Re-record Fixtures/expected/*.ndjson and *.txt, then fail so that the diff gets reviewed
	UPDATE_GOLDEN=1 $(TEST_ENV) $(SWIFT) test --filter GoldenTests.matchesItsGoldenFiles || true
	@git status --short -- Fixtures/expected 2>/dev/null || true
	@echo "golden: re-recorded under Fixtures/expected/; review 'git diff Fixtures/expected', commit, then run make test" >&2
	@exit 1

fixtures: ## Re-create every capture of Fixtures/captures with real TLS stacks (as root; about 2 minutes)
	bash Fixtures/make-fixtures.sh

fuzz-build: deps ## Build the libFuzzer driver (Tests/Fuzz) with -sanitize=fuzzer,address
	$(SWIFT) build --package-path Tests/Fuzz --scratch-path $(FUZZ_DIR) $(FUZZ_BUILD)

fuzz: fuzz-build ## Run every fuzz target FUZZ_SECONDS; crashers land in .build/fuzz/crashes/TARGET/
	@$(MAKE) --no-print-directory fuzz-run RUN_SECONDS=$(FUZZ_SECONDS)

fuzz-smoke: fuzz-build ## Every fuzz target for FUZZ_SMOKE_SECONDS (CI's smoke: 7 x 15 s)
	@$(MAKE) --no-print-directory fuzz-run RUN_SECONDS=$(FUZZ_SMOKE_SECONDS)

fuzz-run:
	@failed=""; \
	for spec in $(FUZZ_TARGETS); do \
	    target=$${spec%%:*}; max=$${spec##*:}; leaks=1; \
	    if [ $$target = pipeline ]; then leaks=0; fi; \
	    mkdir -p $(FUZZ_DIR)/corpus/$$target $(FUZZ_DIR)/crashes/$$target; \
	    echo "fuzz: $$target for $(RUN_SECONDS) s (corpus $(FUZZ_DIR)/corpus/$$target, seeds Fixtures/fuzz-seeds/$$target)"; \
	    if ! SWIFT_BACKTRACE=enable=no $(FUZZ_BIN) $$target -max_total_time=$(RUN_SECONDS) -max_len=$$max \
	        -timeout=10 -rss_limit_mb=2048 -detect_leaks=$$leaks -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/$$target/ \
	        $(FUZZ_DIR)/corpus/$$target Fixtures/fuzz-seeds/$$target > $(FUZZ_DIR)/$$target.log 2>&1; then \
	        failed="$$failed $$target"; tail -n 40 $(FUZZ_DIR)/$$target.log >&2; \
	    fi; \
	    grep -E '^stat::number_of_executed_units|^#[0-9]+ +DONE' $(FUZZ_DIR)/$$target.log | tr '\n' ' '; echo; \
	done; \
	if [ -n "$$failed" ]; then \
	    echo "fuzz: crash or broken invariant in:$$failed; inputs in $(FUZZ_DIR)/crashes/; minimize one with" >&2; \
	    echo "      $(FUZZ_BIN) TARGET -minimize_crash=1 -runs=10000 FILE, then add it to Fixtures/fuzz-seeds/TARGET/crash-NAME" >&2; \
	    exit 1; \
	fi

bench: build ## Speed and memory against a libpcap read loop on the ../shared/bench captures (BENCH_ARGS="--captures large --runs 5 --no-tshark"; tshark, when installed, runs once; rows stopped after each stage of the pipeline, --stages "" leaves them out; then where one thread's time goes, phase by phase, --no-phases leaves it out)
	$(PYTHON) Tests/Tools/bench.py --bin $(BIN) --shared $(SHARED) $(BENCH_ARGS)

bench-cost: build ## Instructions a flow under callgrind, deterministic where wall time is noisy (BENCH_COST_ARGS="--cache" adds cache misses, "--threads 2" each side of a sharded run)
	@command -v valgrind >/dev/null 2>&1 || apt-get install -y --no-install-recommends valgrind
	$(PYTHON) Tests/Tools/bench_cost.py --bin $(BIN) --shared $(SHARED) $(BENCH_COST_ARGS)

bench-micro: deps ## package-benchmark micro-benchmarks (Tests/Benchmarks) checked against the committed thresholds
	$(BENCH_MICRO) benchmark thresholds check

bench-thresholds: deps ## Re-record Tests/Benchmarks/Thresholds from a run (review the diff before committing)
	$(BENCH_MICRO) --allow-writing-to-package-directory benchmark thresholds update

mutate: build ## Run the binary over MUTANTS mutated copies of the fixtures and corpus captures: no crash, no hang
	$(MUTATE)

fuzz-seeds: ## Re-cut Fixtures/fuzz-seeds/ from the fixture captures (keeps crash-* files)
	$(PYTHON) Tests/Tools/make-fuzz-seeds.py

registries: ## Regenerate the IANA registries (Tests/Tools/gen-registries.py)
	$(PYTHON) Tests/Tools/gen-registries.py

agreement: build ## Compare our flow records with the tshark oracle over SHARED/corpus
	@[ -d "$(SHARED)/corpus" ] || { echo "agreement: no corpus at $(SHARED)/corpus" >&2; exit 1; }
	$(AGREEMENT) --min $(MIN_AGREEMENT)
