target_sources(accel_core PRIVATE
  resilience/ErrorCategory.h resilience/ErrorCategory.cpp
  resilience/ValueOrError.h
  resilience/BreakerConfig.h resilience/BreakerConfig.cpp
  resilience/BreakerTypes.h resilience/BreakerTypes.cpp
  resilience/SlidingWindow.h resilience/SlidingWindow.cpp
  resilience/TripGate.h
  resilience/CircuitBreaker.h resilience/CircuitBreaker.cpp
)
target_sources(accel_core PRIVATE
  resilience/FleetGuard.h resilience/FleetGuard.cpp
  resilience/HealthScorer.h resilience/HealthScorer.cpp
  resilience/RecoveryPlanner.h resilience/RecoveryPlanner.cpp
  resilience/RecoveryCursor.h resilience/RecoveryCursor.cpp
)
target_sources(accel_core PRIVATE
  resilience/CoarseClock.h resilience/CoarseClock.cpp
  resilience/BreakerBenchmark.h resilience/BreakerBenchmark.cpp
)
