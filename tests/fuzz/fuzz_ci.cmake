# core/ci: the results JSON parser and every reporter behind it.
accel_add_fuzz(NAME fuzz_ci SOURCES fuzz_ci.cpp LIBS accel_core CORPUS corpus/ci ITERATIONS 20000)
