// Private to the Coordinator*.cpp files: small helpers shared by the files that implement
// accel::Coordinator. Not part of the library's interface.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLatin1String>
#include <QString>

namespace accel::coordinator_internal {

inline QString nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

/// Store key of a task record: /tasks/<suite>/<taskId>.
inline QByteArray taskStoreKey(const QString &key)
{
    return QByteArrayLiteral("/tasks/") + key.toUtf8();
}

inline QByteArray toBytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

/// A task a worker holds a slot for (assigned or running).
inline bool isInFlight(const QString &state)
{
    return state == QLatin1String("assigned") || state == QLatin1String("running");
}

} // namespace accel::coordinator_internal
