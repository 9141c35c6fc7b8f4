target_sources(accelctl PRIVATE commands/cluster.cpp commands/bench_scheduler.cpp commands/probe.cpp)
