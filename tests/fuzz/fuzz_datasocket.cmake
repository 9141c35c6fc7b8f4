# DataSocket (core/hosts), the server end of host data connections: upgrade requests and client
# frames over a real loopback connection. Each input opens a connection, hence fewer mutations.
accel_add_fuzz(NAME fuzz_datasocket SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_datasocket.cpp LIBS accel_core
  CORPUS corpus/datasocket ITERATIONS 3000)
