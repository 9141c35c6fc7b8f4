#include "pool/PoolColors.h"

#include <QCoreApplication>

namespace accel::ui {

QColor PoolColors::breakerColor(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return QColor(0x00, 0x9e, 0x73); // bluish green
    case BreakerState::HalfOpen:
        return QColor(0xe6, 0x9f, 0x00); // amber
    case BreakerState::Open:
        return QColor(0xd5, 0x5e, 0x00); // vermilion
    case BreakerState::ForcedOpen:
        return QColor(0x7a, 0x1f, 0x5c); // dark magenta: isolated by an operator
    case BreakerState::Disabled:
        return QColor(0x99, 0x99, 0x99);
    case BreakerState::MetricsOnly:
        return QColor(0x56, 0xb4, 0xe9); // sky blue
    }
    return QColor(Qt::gray);
}

QString PoolColors::breakerLabel(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return QCoreApplication::translate("accel::ui::PoolColors", "Closed");
    case BreakerState::HalfOpen:
        return QCoreApplication::translate("accel::ui::PoolColors", "Half-open");
    case BreakerState::Open:
        return QCoreApplication::translate("accel::ui::PoolColors", "Open");
    case BreakerState::ForcedOpen:
        return QCoreApplication::translate("accel::ui::PoolColors", "Isolated");
    case BreakerState::Disabled:
        return QCoreApplication::translate("accel::ui::PoolColors", "Disabled");
    case BreakerState::MetricsOnly:
        return QCoreApplication::translate("accel::ui::PoolColors", "Metrics only");
    }
    return QString();
}

QColor PoolColors::healthColor(double health)
{
    if (health >= 80.0) {
        return breakerColor(BreakerState::Closed);
    }
    if (health >= 50.0) {
        return breakerColor(BreakerState::HalfOpen);
    }
    return breakerColor(BreakerState::Open);
}

QColor PoolColors::seriesColor(int index)
{
    static const QColor palette[] = {
        QColor(0x00, 0x72, 0xb2), QColor(0xe6, 0x9f, 0x00), QColor(0x00, 0x9e, 0x73),
        QColor(0xcc, 0x79, 0xa7), QColor(0x56, 0xb4, 0xe9), QColor(0xd5, 0x5e, 0x00),
        QColor(0x44, 0x44, 0x44), QColor(0xf0, 0xe4, 0x42),
    };
    constexpr int n = int(sizeof(palette) / sizeof(palette[0]));
    const int i = ((index % n) + n) % n;
    return palette[i];
}

} // namespace accel::ui
