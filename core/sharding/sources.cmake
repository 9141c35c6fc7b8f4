# core/sharding: the pipeline executor (stages on hosts, streaming, recovery).
target_sources(accel_core PRIVATE
  sharding/PipelineExecutor.h sharding/PipelineExecutor.cpp
)
target_sources(accel_core PRIVATE
  sharding/PipelineMetrics.h sharding/PipelineMetrics.cpp
)
