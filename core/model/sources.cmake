# core/model: safetensors codec, configs, weights, the native reference forward pass, demo model.
target_sources(accel_core PRIVATE
  model/Dtype.h model/Dtype.cpp
  model/ModelError.h
  model/SafetensorsReader.h model/SafetensorsReader.cpp
  model/SafetensorsWriter.h model/SafetensorsWriter.cpp
  model/ModelConfig.h model/ModelConfig.cpp
  model/ModelWeights.h model/ModelWeights.cpp
  model/ReferenceOps.h model/ReferenceOps.cpp
  model/ReferenceRunner.h model/ReferenceRunner.cpp
  model/DemoModel.h model/DemoModel.cpp
)
# The oracle's matmul is also the "native" figure of `accelctl bench kernels`: let it vectorise
# fully whatever the build type (-O2 in RelWithDebInfo only vectorises with a very cheap model).
set_source_files_properties(model/ReferenceOps.cpp PROPERTIES COMPILE_OPTIONS "-O3")
target_sources(accel_core PRIVATE
  model/KernelCheckServer.h model/KernelCheckServer.cpp
  model/KernelCheck.h model/KernelCheck.cpp
  model/KernelCheckBrowser.h model/KernelCheckBrowser.cpp
  model/KernelBenchmark.h model/KernelBenchmark.cpp
  model/ContentStore.h model/ContentStore.cpp
  model/HostModelClient.h model/HostModelClient.cpp
)
# Console model panel helpers: token input, layer table, background reference check.
target_sources(accel_core PRIVATE
  model/TokenIds.h model/TokenIds.cpp
  model/ModelLayerModel.h model/ModelLayerModel.cpp
  model/ReferenceCheck.h model/ReferenceCheck.cpp
  model/ModelRunFailure.h model/ModelRunFailure.cpp
  model/ModelRunController.h model/ModelRunController.cpp
)
