target_sources(accel_core PRIVATE
  common/LineBuffer.h
  common/Clock.h common/Clock.cpp
  common/EventWait.h common/EventWait.cpp
  common/LogCategories.h common/LogCategories.cpp
  common/Version.h common/Version.cpp
)
