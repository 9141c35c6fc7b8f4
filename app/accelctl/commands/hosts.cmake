target_sources(accelctl PRIVATE commands/bench_transport.cpp)
