target_sources(accelctl PRIVATE commands/analyze.cpp)
