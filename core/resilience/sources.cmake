target_sources(accel_core PRIVATE
  resilience/ErrorCategory.h resilience/ErrorCategory.cpp
  resilience/ValueOrError.h
  resilience/BreakerConfig.h resilience/BreakerConfig.cpp
  resilience/BreakerTypes.h resilience/BreakerTypes.cpp
  resilience/SlidingWindow.h resilience/SlidingWindow.cpp
  resilience/TripGate.h
  resilience/CircuitBreaker.h resilience/CircuitBreaker.cpp
)
