# ui/model: the Model panel (load a model, show its parts, run a layer range on a host).
target_sources(accel_ui PRIVATE
  model/ModelPanel.h model/ModelPanel.cpp
  model/ModelRunText.h model/ModelRunText.cpp
)
