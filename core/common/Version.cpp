#include "common/Version.h"

namespace accel {

QString projectVersion()
{
    return QStringLiteral(ACCEL_VERSION);
}

QString applicationId()
{
    return QStringLiteral("io.github.accelerate_console.AccelerateConsole");
}

} // namespace accel
