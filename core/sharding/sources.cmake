# core/sharding: shard plans, the planner (layer / browser / optimal / manual) and its benchmark.
target_sources(accel_core PRIVATE
  sharding/ShardPlan.h sharding/ShardPlan.cpp
  sharding/ShardPlanner.h sharding/ShardPlanner.cpp
  sharding/ShardPlannerBenchmark.h sharding/ShardPlannerBenchmark.cpp
)
