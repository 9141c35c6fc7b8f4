# Model area commands: `accelctl model ...` and `accelctl bench kernels`.
target_sources(accelctl PRIVATE commands/model.cpp commands/run.cpp)
