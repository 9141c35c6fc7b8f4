target_sources(accel_ui PRIVATE
  history/HistoryView.h history/HistoryView.cpp
)
