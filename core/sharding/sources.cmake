# core/sharding: shard plans, the planner (layer / browser / optimal / manual) and its benchmark,
# the pipeline executor (stages on hosts, streaming, recovery) and its metrics.
target_sources(accel_core PRIVATE
  sharding/ShardPlan.h sharding/ShardPlan.cpp
  sharding/ShardPlanner.h sharding/ShardPlanner.cpp
  sharding/ShardPlannerBenchmark.h sharding/ShardPlannerBenchmark.cpp
  sharding/PipelineExecutor.h sharding/PipelineExecutor.cpp sharding/PipelineExecutorLinks.cpp
  sharding/PipelineExecutorRecovery.cpp
  sharding/PipelineMetrics.h sharding/PipelineMetrics.cpp
)
