target_sources(accelctl PRIVATE commands/report.cpp)
