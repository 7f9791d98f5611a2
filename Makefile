# The two commands: `make run` (install what is missing, build, start with demo data) and
# `make test` (build and pass every test). See README.md.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
DATA ?= var
LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?=

.PHONY: all run test build configure bootstrap demo bench fmt lint clean unit integration fuzz asan

all: build

bootstrap:
	bash scripts/bootstrap

configure:
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS); fi

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: bootstrap build
	bash scripts/demo-data $(BUILD_DIR)/shikong $(DATA)
	$(BUILD_DIR)/shikong serve --data $(DATA) --listen $(LISTEN)

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

integration: build
	bash tests/integration/run $(BUILD_DIR)/shikong

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	bash tests/integration/run $(BUILD_DIR)/shikong
	FUZZ_SECONDS=8 bash tests/fuzz/run

fuzz:
	FUZZ_SECONDS=300 bash tests/fuzz/run

asan:
	$(MAKE) BUILD_DIR=build-asan CMAKE_FLAGS="-DSHIKONG_SANITIZE=ON -DSHIKONG_BENCH=OFF" test

bench: build
	bash bench/run $(BUILD_DIR)

fmt:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

lint:
	bash scripts/check-layers
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD_DIR)
