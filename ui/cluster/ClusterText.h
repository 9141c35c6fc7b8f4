#pragma once

#include "cluster/ClusterConnection.h"

#include <QCoreApplication>
#include <QString>

namespace accel::ui {

/// Translated text for the cluster connection's states, errors and operations.
class ClusterText
{
    Q_DECLARE_TR_FUNCTIONS(ClusterText)
public:
    static QString state(ClusterConnection::State state);
    /// A sentence for the operator; `detail` (the coordinator's or transport's English message)
    /// is appended when it adds something.
    static QString error(ClusterConnection::Error error, const QString &detail);
    static QString operation(ClusterConnection::Operation operation);
};

} // namespace accel::ui
