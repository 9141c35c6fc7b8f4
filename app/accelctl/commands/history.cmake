target_sources(accelctl PRIVATE commands/analyze.cpp commands/bench_history.cpp)
