target_sources(accel_ui PRIVATE
  pool/PoolColors.h pool/PoolColors.cpp
  pool/PoolStatusDelegate.h pool/PoolStatusDelegate.cpp
  pool/HealthChartView.h pool/HealthChartView.cpp
  pool/CircuitTimelineWidget.h pool/CircuitTimelineWidget.cpp
  pool/DashboardWidget.h pool/DashboardWidget.cpp
  pool/HostsPanel.h pool/HostsPanel.cpp
  pool/PoolPanels.h pool/PoolPanels.cpp
  pool/EmbeddedHostFactory.h pool/EmbeddedHostFactory.cpp
)
