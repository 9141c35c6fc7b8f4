#pragma once

#include "cluster/TaskSpec.h"
#include "cluster/WorkerCapabilities.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace accel {

/// One message between coordinator and worker (a WebSocket text frame of JSON).
/// Every frame is {"v": 1, "type": "...", ...}; fields per type are listed in ClusterProtocol.cpp
///. Only the fields of the message's type are meaningful.
struct ClusterMessage
{
    enum class Type {
        // worker -> coordinator
        Register = 1, ///< workerId, name, capabilities, running
        Heartbeat,    ///< running
        Started,      ///< task, attempt, epoch
        Log,          ///< task, attempt, stream, data
        Result, ///< task, attempt, epoch, status, failure, exitCode, durationMs, output, message, artifacts
        Reject, ///< task, attempt, epoch, failure, message (the worker cannot take the assignment)
        // coordinator -> worker
        Welcome, ///< workerId, epoch, heartbeatMs
        Assign,  ///< task, attempt, epoch, spec
        Cancel,  ///< task, attempt, message
        Ack,     ///< task, attempt (result recorded or deliberately ignored: stop resending)
        Drain,   ///< no new work will come; finish what runs
        Error,   ///< message
        // worker -> coordinator, after Register
        Capabilities, ///< capabilities.browsers: probe results replacing the registered browsers
    };

    struct RunningTask
    {
        QString task;
        int attempt = 0;
    };
    struct Artifact
    {
        QString name;
        QByteArray content;
        bool truncated = false;
    };

    Type type = Type::Error;
    QString workerId;
    QString name;
    WorkerCapabilities capabilities;
    QList<RunningTask> running;
    QString task; ///< coordinator task key "suiteId/taskId"
    int attempt = 0;
    qint64 epoch = 0; ///< leader epoch; a worker rejects assignments from an older epoch
    qint64 heartbeatMs = 0;
    TaskSpec spec;
    QString stream; ///< "stdout" | "stderr"
    QString data;
    QString status;  ///< passed | failed | error | skipped
    QString failure; ///< none | timeout | crash | oom | disk-full | browser-crash | start-failed |
                     ///< not-allowed | low-memory | stale-epoch
    int exitCode = 0;
    qint64 durationMs = 0;
    QString output;
    QString message;
    QList<Artifact> artifacts;
};

/// Pure codec for ClusterMessage: bytes in, message or error out. No sockets.
class ClusterProtocol
{
public:
    static constexpr int kVersion = 1;
    static constexpr qint64 kMaxFrameBytes = 8 * 1024 * 1024;
    static constexpr qint64 kMaxOutputBytes = 1024 * 1024;
    static constexpr qint64 kMaxLogChunkBytes = 64 * 1024;
    static constexpr qint64 kMaxArtifactBytes = 2 * 1024 * 1024;

    static QByteArray encode(const ClusterMessage &message);
    /// Validates version, type and every field of the type; false + *error on bad input.
    static bool decode(const QByteArray &frame, ClusterMessage *out, QString *error);

    static QString typeName(ClusterMessage::Type type);
    static bool isValidStatus(const QString &status);
};

} // namespace accel
