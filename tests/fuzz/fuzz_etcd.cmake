# etcd HTTP/JSON gateway codec: every decoder gets hostile bytes (seeded from real 3.4.23 answers).
accel_add_fuzz(NAME fuzz_etcd SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_etcd.cpp LIBS accel_core CORPUS corpus/etcd)
