#include "pool/PoolHostInfo.h"

namespace accel {

QString toString(PoolHostState state)
{
    switch (state) {
    case PoolHostState::Starting:
        return QStringLiteral("starting");
    case PoolHostState::Ready:
        return QStringLiteral("ready");
    case PoolHostState::Draining:
        return QStringLiteral("draining");
    case PoolHostState::Closing:
        return QStringLiteral("closing");
    case PoolHostState::Lost:
        return QStringLiteral("lost");
    }
    return QStringLiteral("unknown");
}

} // namespace accel
