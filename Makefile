# redflagd: `make run` and `make test` work on a fresh Debian 12 machine (as root).
BUILD ?= build
JOBS ?= 2
CONFIG ?= config/redflagd.yaml
# Extra redflagd arguments, e.g. ARGS='-o screening.csl_file=/lists/consolidated.csv'
ARGS ?=
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

.PHONY: deps build run test unit fuzz fuzz-long bench crash format clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p var
	./$(BUILD)/daemon/redflagd --config $(CONFIG) $(ARGS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure
	@$(MAKE) --no-print-directory fuzz

fuzz: deps
	@bash tests/fuzz/run.sh

# Every parser for 10 million executions or 30 minutes, whichever comes first.
fuzz-long: deps
	@FUZZ_SECONDS=1800 FUZZ_RUNS=10000000 bash tests/fuzz/run.sh

# 100 SIGKILLs under streaming load, then exact totals (CI does 24).
crash: build
	@bash bench/crash.sh $(BUILD)

bench: build
	@bash bench/run.sh $(BUILD)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-fuzz
