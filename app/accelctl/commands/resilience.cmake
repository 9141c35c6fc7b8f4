target_sources(accelctl PRIVATE commands/bench_breaker.cpp)
