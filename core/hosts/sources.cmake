target_sources(accel_core PRIVATE
  hosts/HostKind.h hosts/HostKind.cpp
  hosts/HostProtocol.h hosts/HostProtocol.cpp hosts/HostProtocolFields.h hosts/HostProtocolFields.cpp
  hosts/HostCapabilities.h hosts/HostCapabilities.cpp
  hosts/HostSession.h hosts/HostSession.cpp
  hosts/DataSocket.h hosts/DataSocket.cpp
  hosts/HostDataChannel.h hosts/HostDataChannel.cpp
  hosts/RuntimeServer.h hosts/RuntimeServer.cpp
  hosts/BrowserProcess.h hosts/BrowserProcess.cpp
  hosts/BrowserLauncher.h hosts/BrowserLauncher.cpp
  hosts/TransportBenchmark.h hosts/TransportBenchmark.cpp
  hosts/LoopbackEcho.h hosts/LoopbackEcho.cpp
)
