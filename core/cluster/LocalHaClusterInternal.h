// Private to the LocalHaCluster*.cpp files: helpers shared by the files that implement
// accel::LocalHaCluster. Not part of the library's interface.
#pragma once

#include "common/Clock.h"

#include <QString>

namespace accel::local_ha_internal {

/// File name of the coordinator program.
inline const QString kNode = QStringLiteral("accelerate-node");

inline qint64 nowMs()
{
    return Clock::system()->nowMs();
}

} // namespace accel::local_ha_internal
