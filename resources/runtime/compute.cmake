# Compute kernels of the shard-host runtime (area: model). Served from :/runtime/compute/.
# Included by resources/CMakeLists.txt, so paths are relative to resources/.
find_program(ACCEL_WASM_CLANG NAMES clang-14 clang REQUIRED)
find_program(ACCEL_WASM_LD NAMES wasm-ld-14 wasm-ld REQUIRED)

set(accel_compute_dir ${CMAKE_CURRENT_SOURCE_DIR}/runtime/compute)
set(accel_compute_wasm ${CMAKE_CURRENT_BINARY_DIR}/runtime/compute/kernels.wasm)
add_custom_command(
  OUTPUT ${accel_compute_wasm}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/runtime/compute
  COMMAND ${ACCEL_WASM_CLANG} --target=wasm32 -msimd128 -nostdlib -ffreestanding -O3 -Wall -Wextra -Werror
          -fuse-ld=${ACCEL_WASM_LD} -Wl,--no-entry -Wl,--export-dynamic -Wl,--export=__heap_base
          -o ${accel_compute_wasm} ${accel_compute_dir}/kernels.c
  DEPENDS ${accel_compute_dir}/kernels.c
  COMMENT "Compiling Wasm SIMD kernels (kernels.c -> kernels.wasm)"
  VERBATIM)
set_source_files_properties(${accel_compute_wasm} PROPERTIES QT_RESOURCE_ALIAS compute/kernels.wasm GENERATED TRUE)

# The same kernels for threads: shared, imported memory (env.memory) that several instances use at
# once (compute/wasm-threads.js). Safe because the kernels use no shadow stack and no data segments
# (no global.get/set of __stack_pointer in the code: check with llvm-objdump -d after changes).
set(accel_compute_wasm_mt ${CMAKE_CURRENT_BINARY_DIR}/runtime/compute/kernels-mt.wasm)
add_custom_command(
  OUTPUT ${accel_compute_wasm_mt}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/runtime/compute
  COMMAND ${ACCEL_WASM_CLANG} --target=wasm32 -msimd128 -matomics -mbulk-memory -nostdlib -ffreestanding -O3
          -Wall -Wextra -Werror -fuse-ld=${ACCEL_WASM_LD} -Wl,--no-entry -Wl,--export-dynamic
          -Wl,--export=__heap_base -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=2147483648
          -o ${accel_compute_wasm_mt} ${accel_compute_dir}/kernels.c
  DEPENDS ${accel_compute_dir}/kernels.c
  COMMENT "Compiling Wasm SIMD kernels for threads (kernels.c -> kernels-mt.wasm)"
  VERBATIM)
set_source_files_properties(${accel_compute_wasm_mt} PROPERTIES QT_RESOURCE_ALIAS compute/kernels-mt.wasm GENERATED TRUE)

set(accel_compute_files
  compute/index.js compute/limits.js compute/remote.js compute/worker.js compute/wasm-threads.js compute/wasm-thread-worker.js compute/backend.js compute/executor.js compute/dtype.js compute/mathf.js
  compute/check.html compute/check.js compute/chunk-cache.js compute/js-ops.js compute/wasm-ops.js compute/webgpu-ops.js compute/webnn-ops.js
  compute/matmul_regblock.wgsl compute/matmul_tiled.wgsl compute/ops.wgsl)
list(TRANSFORM accel_compute_files PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/runtime/)
qt_add_resources(accel_runtime "accel_runtime_compute"
  PREFIX "/runtime"
  BASE ${CMAKE_CURRENT_SOURCE_DIR}/runtime
  FILES ${accel_compute_files} ${accel_compute_wasm} ${accel_compute_wasm_mt})
