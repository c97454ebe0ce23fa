# weir: thin wrapper over meson/ninja. `make run` and `make test` do all set-up.
BUILD      ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-bench
TSAN_BUILD ?= build-tsan
# warnings are fatal in CI
ifeq ($(CI),true)
WERROR := -Dwerror=true
endif

.PHONY: all deps build build-asan build-tsan build-bench run test test-release test-asan bench conformance clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release $(WERROR)
	@ninja -C $(BUILD)

build-asan: deps
	@[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) --buildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false $(WERROR)
	@ninja -C $(ASAN_BUILD)

build-tsan: deps
	@[ -f $(TSAN_BUILD)/build.ninja ] || meson setup $(TSAN_BUILD) --buildtype=debug \
		-Db_sanitize=thread -Db_lundef=false $(WERROR)
	@ninja -C $(TSAN_BUILD)

build-bench: deps
	@[ -f $(BENCH_BUILD)/build.ninja ] || meson setup $(BENCH_BUILD) --buildtype=release \
		-Doptimization=3 -Dnative=true
	@ninja -C $(BENCH_BUILD)

# The embedded default: an example middlebox on the bundled trace.
run: build
	@WEIR=$(CURDIR)/$(BUILD)/weir scripts/run_example.sh

# Every test, on the release build and under ASan+UBSan, and the threaded
# tests under ThreadSanitizer; ends with "N passed, N failed".
test: build build-asan build-tsan
	@tests/run_all.sh $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)

test-release: build
	@tests/run.sh $(BUILD)

test-asan: build-asan
	@tests/run.sh $(ASAN_BUILD) --sanitize

bench: build-bench
	@bench/run.sh $(BENCH_BUILD)

conformance: build
	@../shared/conformance/run $(BUILD)/weir

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD)
