#pragma once

#include <QLoggingCategory>

// One category per area; enable with QT_LOGGING_RULES="accel.hosts.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcResilience)
Q_DECLARE_LOGGING_CATEGORY(lcHosts)
Q_DECLARE_LOGGING_CATEGORY(lcPool)
Q_DECLARE_LOGGING_CATEGORY(lcModel)
Q_DECLARE_LOGGING_CATEGORY(lcSharding)
Q_DECLARE_LOGGING_CATEGORY(lcHistory)
Q_DECLARE_LOGGING_CATEGORY(lcCluster)
Q_DECLARE_LOGGING_CATEGORY(lcCi)
