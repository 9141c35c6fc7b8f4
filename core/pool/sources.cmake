target_sources(accel_core PRIVATE
  pool/PoolConfig.h pool/PoolConfig.cpp
  pool/PoolHostInfo.h pool/PoolHostInfo.cpp
  pool/HostSelector.h pool/HostSelector.cpp
  pool/ProfileSelectionPolicy.h pool/ProfileSelectionPolicy.cpp
  pool/HostInstance.h pool/HostInstance.cpp
  pool/HostFactory.h pool/HostFactory.cpp
  pool/ResourcePool.h pool/ResourcePool.cpp pool/ResourcePoolInternal.h
  pool/ResourcePoolSessions.cpp pool/ResourcePoolMaintenance.cpp
  pool/PoolModel.h pool/PoolModel.cpp
  pool/HealthHistoryModel.h pool/HealthHistoryModel.cpp
  pool/BreakerTimelineModel.h pool/BreakerTimelineModel.cpp
  pool/BrowserHostFactory.h pool/BrowserHostFactory.cpp
  pool/EmbeddedProcessHostFactory.h pool/EmbeddedProcessHostFactory.cpp
  pool/EmbeddedHostGroup.h pool/EmbeddedHostGroup.cpp
  pool/StandaloneHosts.h pool/StandaloneHosts.cpp
)
