# Host protocol codec (core/hosts/HostProtocol + HostCapabilities): text and binary frames.
accel_add_fuzz(NAME fuzz_hosts SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_hosts.cpp LIBS accel_core CORPUS corpus/hosts)
