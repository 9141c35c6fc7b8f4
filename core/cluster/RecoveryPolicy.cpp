#include "cluster/RecoveryPolicy.h"

#include <algorithm>

namespace accel {

RecoveryDecision RecoveryPolicy::decide(FailureKind kind, const AttemptHistory &h, int workerFailures) const
{
    RecoveryDecision d;
    const auto backoff = [&h](int retryNumber) {
        return h.backoffMs <= 0 ? 0 : h.backoffMs << std::min(retryNumber - 1, 10);
    };
    switch (kind) {
    case FailureKind::CoordinatorRestart:
        d.action = RecoveryAction::AwaitReconnect;
        d.reason = QStringLiteral("coordinator restarted: waiting for the worker to reconnect and report");
        return d;
    case FailureKind::TaskFailed:
    case FailureKind::TaskCrash:
    case FailureKind::TaskTimeout: {
        const int failures = h.taskFailures + 1;
        d.countsAgainstWorker = kind != FailureKind::TaskFailed;
        d.quarantineWorker = d.countsAgainstWorker && workerFailures + 1 >= m_quarantineAfter;
        const bool retryable = kind != FailureKind::TaskFailed || h.retryOnFailure;
        if (!retryable || failures > h.maxRetries) {
            d.action = RecoveryAction::Fail;
            d.finalStatus =
                kind == FailureKind::TaskFailed ? QStringLiteral("failed") : QStringLiteral("error");
            d.reason = QStringLiteral("%1; retry budget spent (%2 of %3 retries)")
                           .arg(kindName(kind))
                           .arg(failures - 1)
                           .arg(h.maxRetries);
            return d;
        }
        // First retry where it ran (cheap, catches transient flakes), later ones elsewhere.
        d.action =
            (failures == 1 && !d.quarantineWorker) ? RecoveryAction::RetryInPlace : RecoveryAction::Migrate;
        d.delayMs = backoff(failures);
        d.reason = QStringLiteral("%1; retry %2 of %3").arg(kindName(kind)).arg(failures).arg(h.maxRetries);
        return d;
    }
    case FailureKind::BrowserCrash:
    case FailureKind::WorkerCrash:
    case FailureKind::WorkerHang:
    case FailureKind::NetworkPartition:
    case FailureKind::WorkerOutOfMemory:
    case FailureKind::DiskFull: {
        const int failures = h.infraFailures + 1;
        d.countsAgainstWorker = true;
        d.quarantineWorker = kind == FailureKind::DiskFull || workerFailures + 1 >= m_quarantineAfter;
        if (failures >= h.maxInfraAttempts) {
            d.action = RecoveryAction::Fail;
            d.finalStatus = QStringLiteral("error");
            d.reason =
                QStringLiteral("%1; %2 attempts lost to worker failures").arg(kindName(kind)).arg(failures);
            return d;
        }
        // A crashed browser is restarted by the worker: try there once more before moving.
        d.action = (kind == FailureKind::BrowserCrash && failures == 1 && !d.quarantineWorker)
                       ? RecoveryAction::RetryInPlace
                       : RecoveryAction::Migrate;
        d.reason = QStringLiteral("%1; attempt re-queued with its history").arg(kindName(kind));
        return d;
    }
    }
    return d;
}

QString RecoveryPolicy::kindName(FailureKind kind)
{
    switch (kind) {
    case FailureKind::WorkerCrash:
        return QStringLiteral("worker-crash");
    case FailureKind::WorkerHang:
        return QStringLiteral("worker-hang");
    case FailureKind::NetworkPartition:
        return QStringLiteral("network-partition");
    case FailureKind::TaskTimeout:
        return QStringLiteral("task-timeout");
    case FailureKind::TaskCrash:
        return QStringLiteral("task-crash");
    case FailureKind::TaskFailed:
        return QStringLiteral("task-failed");
    case FailureKind::WorkerOutOfMemory:
        return QStringLiteral("worker-oom");
    case FailureKind::DiskFull:
        return QStringLiteral("disk-full");
    case FailureKind::BrowserCrash:
        return QStringLiteral("browser-crash");
    case FailureKind::CoordinatorRestart:
        return QStringLiteral("coordinator-restart");
    }
    return {};
}

QString RecoveryPolicy::actionName(RecoveryAction action)
{
    switch (action) {
    case RecoveryAction::RetryInPlace:
        return QStringLiteral("retry-in-place");
    case RecoveryAction::Migrate:
        return QStringLiteral("migrate");
    case RecoveryAction::AwaitReconnect:
        return QStringLiteral("await-reconnect");
    case RecoveryAction::Fail:
        return QStringLiteral("fail");
    }
    return {};
}

bool RecoveryPolicy::kindFromWorkerFailure(const QString &f, FailureKind *out)
{
    if (f == QLatin1String("timeout")) {
        *out = FailureKind::TaskTimeout;
    } else if (f == QLatin1String("crash") || f == QLatin1String("start-failed")) {
        *out = FailureKind::TaskCrash;
    } else if (f == QLatin1String("oom") || f == QLatin1String("low-memory")) {
        *out = FailureKind::WorkerOutOfMemory;
    } else if (f == QLatin1String("disk-full")) {
        *out = FailureKind::DiskFull;
    } else if (f == QLatin1String("browser-crash")) {
        *out = FailureKind::BrowserCrash;
    } else {
        return false;
    }
    return true;
}

} // namespace accel
