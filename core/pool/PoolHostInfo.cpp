#include "pool/PoolHostInfo.h"

#include <algorithm>

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

qint64 freeWeightBytes(qint64 weightBytes, qint64 weightLimitBytes, qint64 reusableBytes)
{
    if (weightBytes < 0 || weightLimitBytes < 0) {
        return -1;
    }
    const qint64 held = weightBytes - std::clamp<qint64>(reusableBytes, 0, weightBytes);
    return std::clamp<qint64>(weightLimitBytes - held, 0, weightLimitBytes);
}

qint64 PoolHostInfo::freeWeightBytes(qint64 reusableBytes) const
{
    return accel::freeWeightBytes(weightBytes, weightLimitBytes, reusableBytes);
}

} // namespace accel
