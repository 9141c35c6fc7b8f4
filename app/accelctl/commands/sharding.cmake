# Sharding commands: `accelctl bench pipeline`.
target_sources(accelctl PRIVATE commands/bench_pipeline.cpp)
