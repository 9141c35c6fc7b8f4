# ui/sharding: the shard configurator and its plan bar.
target_sources(accel_ui PRIVATE
  sharding/ShardPlanBar.h sharding/ShardPlanBar.cpp
  sharding/ShardConfigurator.h sharding/ShardConfigurator.cpp
  sharding/ShardsPanel.h sharding/ShardsPanel.cpp
)
