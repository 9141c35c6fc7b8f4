target_sources(accel_core PRIVATE
  hosts/HostKind.h hosts/HostKind.cpp
  hosts/HostProtocol.h hosts/HostProtocol.cpp
  hosts/HostCapabilities.h hosts/HostCapabilities.cpp
  hosts/HostSession.h hosts/HostSession.cpp
  hosts/RuntimeServer.h hosts/RuntimeServer.cpp
)
