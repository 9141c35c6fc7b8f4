#pragma once

#include <QString>

namespace accel {

/// Project version ("0.1.0"), from CMake's project() version.
QString projectVersion();
/// Application id shared by the .desktop file, AppStream metainfo and QSettings.
QString applicationId();

} // namespace accel
