#pragma once

#include <QString>

namespace accel {

/// What went wrong with an attempt. Zero is not a valid kind.
enum class FailureKind {
    WorkerCrash = 1,   ///< connection lost and the worker did not come back in time
    WorkerHang,        ///< connection open but heartbeats stopped (e.g. SIGSTOP)
    NetworkPartition,  ///< a worker declared dead came back: its old attempts are stale
    TaskTimeout,       ///< the task ran past its timeout and was killed with its process group
    TaskCrash,         ///< the task died from a signal
    TaskFailed,        ///< the task ran and failed (non-zero exit)
    WorkerOutOfMemory, ///< the task was OOM-killed or the worker refused it for low memory
    DiskFull,          ///< the worker ran out of disk (before start or collecting outputs)
    BrowserCrash,      ///< the browser host of a model task died
    CoordinatorRestart ///< the coordinator restarted while the attempt was in flight
};

/// What to do about it. Zero is not a valid action.
enum class RecoveryAction {
    RetryInPlace = 1, ///< same worker again (transient task failure, browser restart)
    Migrate,          ///< another worker; the failed one is excluded for this task
    AwaitReconnect,   ///< keep the assignment; the worker gets the failure detector's dead timeout
    Fail,             ///< give up: the task's final result is failed/error
};

struct AttemptHistory
{
    int attempts = 0;      ///< attempts made so far, including the failed one
    int taskFailures = 0;  ///< failed/crashed/timed-out attempts (counted against maxRetries)
    int infraFailures = 0; ///< attempts lost to the worker (counted against maxInfraAttempts)
    int maxRetries = 0;
    int maxInfraAttempts = 5;
    bool retryOnFailure = true;
    qint64 backoffMs = 0;
};

struct RecoveryDecision
{
    RecoveryAction action = RecoveryAction::Fail;
    bool quarantineWorker = false;
    bool countsAgainstWorker = false; ///< add one to the worker's consecutive failure count
    qint64 delayMs = 0;
    QString finalStatus; ///< for Fail: "failed" or "error"
    QString reason;      ///< one line, recorded with the step
};

/// Progressive recovery: retry in place first, migrate next, quarantine a worker after repeated
/// failures, give up when the task's retry budget is spent. Pure: the Coordinator records and
/// applies every decision.
class RecoveryPolicy
{
public:
    explicit RecoveryPolicy(int quarantineAfterConsecutiveFailures = 3)
        : m_quarantineAfter(quarantineAfterConsecutiveFailures)
    {}

    /// history already counts the failed attempt in `attempts` but not in the failure counters.
    RecoveryDecision decide(FailureKind kind, const AttemptHistory &history,
                            int workerConsecutiveFailures) const;

    int quarantineAfter() const { return m_quarantineAfter; }
    static QString kindName(FailureKind kind);
    static QString actionName(RecoveryAction action);
    /// Maps a worker-reported failure string ("timeout", "crash", "oom", ...) to a kind.
    static bool kindFromWorkerFailure(const QString &failure, FailureKind *out);

private:
    int m_quarantineAfter;
};

} // namespace accel
