#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace accel {

/// What a task needs from a worker. Every entry must match (see Scheduler::mismatch).
struct TaskRequirements
{
    QStringList labels;       ///< worker labels, all required
    QStringList capabilities; ///< capability strings ("command", "browser:chromium", "feature:webgpu", ...)
    qint64 minMemoryMb = 0;
    QString os; ///< QSysInfo::productType() or kernelType(), empty = any

    QJsonObject toJson() const;
};

/// When and how often a task is tried again (see RecoveryPolicy).
struct RetryPolicy
{
    int maxRetries = 0;         ///< extra attempts after a failed/crashed/timed-out run (test-attributed)
    int maxInfraAttempts = 5;   ///< attempts lost to worker failures before the task errors out
    qint64 backoffMs = 0;       ///< delay before a retry, doubled per retry
    bool retryOnFailure = true; ///< false: only crashes and timeouts are retried, not plain failures

    QJsonObject toJson() const;
};

/// One unit of work. Command tasks run argv (never through a shell) on a worker started with
/// --allow-commands; model benchmark tasks run a model on the worker's hosts/backends.
struct TaskSpec
{
    enum class Kind { Command = 1, ModelBenchmark };

    static constexpr int kMaxArgs = 1024;
    static constexpr int kMaxStringBytes = 64 * 1024;
    static constexpr int kMaxOutputs = 64;
    static constexpr qint64 kDefaultTimeoutMs = 10 * 60 * 1000;
    static constexpr qint64 kMaxTimeoutMs = 24LL * 3600 * 1000;

    QString id; ///< unique in the suite
    QString name;
    QString classname;
    Kind kind = Kind::Command;
    // Command
    QStringList argv;
    QMap<QString, QString> env;
    QString workingDir;
    qint64 timeoutMs = kDefaultTimeoutMs;
    QStringList outputs; ///< files (relative to the working dir) collected after the run, e.g. JUnit XML
    // Model benchmark
    QString model;
    QStringList hosts;
    QStringList backends;
    int iterations = 0;

    TaskRequirements requirements;
    int priority = 0; ///< higher runs first
    RetryPolicy retry;
    QMap<QString, QString> properties;

    /// Capabilities implied by the kind ("command" or "model-benchmark") plus the explicit ones.
    QStringList requiredCapabilities() const;
    QJsonObject toJson() const;
    /// Parses and validates one task; on error returns false and sets *error.
    static bool fromJson(const QJsonObject &o, TaskSpec *out, QString *error);
};

/// A submitted suite: a name and its tasks. `defaults` in the JSON are merged into each task.
struct SuiteSpec
{
    static constexpr qint64 kMaxBytes = 16 * 1024 * 1024;
    static constexpr int kMaxTasks = 100000;

    QString name;
    QList<TaskSpec> tasks;

    static bool parse(const QByteArray &json, SuiteSpec *out, QString *error);
    QJsonObject toJson() const;
};

} // namespace accel
