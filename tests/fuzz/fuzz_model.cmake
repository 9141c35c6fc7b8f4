# Safetensors header codec and config.json parser (core/model).
accel_add_fuzz(NAME fuzz_model SOURCES fuzz_model.cpp LIBS accel_core CORPUS corpus/model)
