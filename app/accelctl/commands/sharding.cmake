# Sharding area commands: `accelctl plan`, `accelctl bench planner`, `accelctl bench pipeline`.
target_sources(accelctl PRIVATE commands/sharding.cpp commands/bench_pipeline.cpp commands/bench_pipeline_hops.cpp
  commands/PipelineBench.h)
