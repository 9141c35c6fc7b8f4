#include "common/LogCategories.h"

Q_LOGGING_CATEGORY(lcResilience, "accel.resilience", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHosts, "accel.hosts", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPool, "accel.pool", QtInfoMsg)
Q_LOGGING_CATEGORY(lcModel, "accel.model", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSharding, "accel.sharding", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHistory, "accel.history", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCluster, "accel.cluster", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCi, "accel.ci", QtInfoMsg)
