# Sharding area commands: `accelctl plan` and `accelctl bench planner`.
target_sources(accelctl PRIVATE commands/sharding.cpp)
