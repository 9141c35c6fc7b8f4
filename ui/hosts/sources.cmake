target_sources(accel_ui PRIVATE
  hosts/EmbeddedHost.h hosts/EmbeddedHost.cpp
  hosts/EmbeddedHostPage.h hosts/EmbeddedHostPage.cpp
)
