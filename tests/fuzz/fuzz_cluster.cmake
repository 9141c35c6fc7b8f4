accel_add_fuzz(NAME fuzz_cluster SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_cluster.cpp LIBS accel_core
  CORPUS corpus/cluster ITERATIONS 20000)
