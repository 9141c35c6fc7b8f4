#include "cluster/etcd/EtcdError.h"

#include <QStringList>

namespace accel {

QString EtcdError::codeName(EtcdErrorCode code)
{
    switch (code) {
    case EtcdErrorCode::Unknown:
        return QStringLiteral("Unknown");
    case EtcdErrorCode::Timeout:
        return QStringLiteral("Timeout");
    case EtcdErrorCode::Unreachable:
        return QStringLiteral("Unreachable");
    case EtcdErrorCode::NoQuorum:
        return QStringLiteral("NoQuorum");
    case EtcdErrorCode::NotFound:
        return QStringLiteral("NotFound");
    case EtcdErrorCode::Compacted:
        return QStringLiteral("Compacted");
    case EtcdErrorCode::InvalidArgument:
        return QStringLiteral("InvalidArgument");
    case EtcdErrorCode::PermissionDenied:
        return QStringLiteral("PermissionDenied");
    case EtcdErrorCode::Protocol:
        return QStringLiteral("Protocol");
    case EtcdErrorCode::Http:
        return QStringLiteral("Http");
    case EtcdErrorCode::Canceled:
        return QStringLiteral("Canceled");
    case EtcdErrorCode::NoEndpoints:
        return QStringLiteral("NoEndpoints");
    }
    return QStringLiteral("Unknown");
}

QString EtcdError::toString() const
{
    QString text = codeName(code) + QStringLiteral(": ") + message;
    QStringList where;
    if (!endpoint.isEmpty()) {
        where << endpoint;
    }
    if (httpStatus > 0) {
        where << QStringLiteral("HTTP %1").arg(httpStatus);
    }
    if (grpcCode >= 0) {
        where << QStringLiteral("gRPC %1").arg(grpcCode);
    }
    if (!where.isEmpty()) {
        text += QStringLiteral(" (") + where.join(QStringLiteral(", ")) + QLatin1Char(')');
    }
    return text;
}

} // namespace accel
