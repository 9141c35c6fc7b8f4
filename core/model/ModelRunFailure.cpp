#include "model/ModelRunFailure.h"

#include <QRegularExpression>

namespace accel {

ErrorCategory ModelRunFailure::categorize(const QString &code, const QString &detail)
{
    if (code == QLatin1String("host_lost")) {
        return ErrorCategory::ConnectionLost;
    }
    if (code == QLatin1String("cancelled")) {
        return ErrorCategory::Cancelled;
    }
    if (code == QLatin1String("timeout")) {
        return ErrorCategory::Timeout;
    }
    if (code == QLatin1String("wrong_type") || code == QLatin1String("unknown_model") ||
        code == QLatin1String("bad_model") || code == QLatin1String("bad_result")) {
        return ErrorCategory::Protocol;
    }
    const QString d = detail.toLower();
    if (d.contains(QLatin1String("device lost")) || d.contains(QLatin1String("device was lost"))) {
        return ErrorCategory::GpuDeviceLost;
    }
    if (d.contains(QLatin1String("memory")) || d.contains(QLatin1String("does not fit")) ||
        d.contains(QLatin1String("allocation"))) {
        return ErrorCategory::OutOfMemory;
    }
    return ErrorCategory::Model;
}

QString ModelRunFailure::deployFailureCode(const QString &message)
{
    if (message.contains(QLatin1String(" was lost")) || message.contains(QLatin1String("closed during"))) {
        return QStringLiteral("host_lost");
    }
    static const QRegularExpression codeRe(QStringLiteral("^host \\S+: ([a-z_]+): "));
    const QRegularExpressionMatch m = codeRe.match(message);
    return m.hasMatch() ? m.captured(1) : QStringLiteral("load_failed");
}

} // namespace accel
