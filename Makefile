# The two commands of the README: `make run` and `make test`. Both install what is missing
# (packaging/install-deps.sh), configure with CMake + Ninja and build.
BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
BUILD_TYPE     ?= RelWithDebInfo
WERROR         ?= OFF
JOBS           ?= $(shell nproc)
CTEST_ARGS     ?=

.PHONY: all deps configure build run test test-fast test-asan format package clean

all: build

deps:
	@packaging/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DACCEL_WERROR=$(WERROR)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found: starting the console under Xvfb (xvfb-run)."; \
	  xvfb-run -a -s "-screen 0 1280x1024x24" $(BUILD_DIR)/app/console/accelerate-console; \
	else \
	  $(BUILD_DIR)/app/console/accelerate-console; \
	fi

# Every test of the main build, then the unit tests again under ASan+UBSan.
test: test-fast test-asan

test-fast: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DACCEL_SANITIZE=ON \
	  -DACCEL_BUILD_UI=OFF -DACCEL_WERROR=$(WERROR)
	cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)
	cd $(ASAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

package: build
	cd $(BUILD_DIR) && cpack -G DEB

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR)
