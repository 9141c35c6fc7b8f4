#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QProcess;
class QTemporaryDir;

namespace accel {

/// Runs 1..N real etcd members on 127.0.0.1 with free high ports and temporary data dirs, for
/// tests, benchmarks and local development. Each member runs in its own session/process group
/// (setsid) and is stopped with SIGKILL to its group; the destructor always kills every member.
///
/// start() and restart() block the calling thread (running a local event loop) until every member
/// reports healthy or the timeout passes — meant for tests, CLIs and benches, not for GUI code.
/// Thread: the owner thread only.
class EtcdProcessCluster : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int members = 3;
        int heartbeatIntervalMs = 50;
        int electionTimeoutMs = 500;
        int startTimeoutMs = 30000;
        QString etcdBinary; ///< empty: $ACCEL_ETCD, else `etcd` on PATH
    };

    explicit EtcdProcessCluster(const Options &options, QObject *parent = nullptr);
    ~EtcdProcessCluster() override;

    /// Path of the etcd binary that would be used, empty when none is installed.
    static QString findEtcd(const QString &preferred = {});

    /// Starts all members and waits for /health on each. On failure returns false, fills `error`
    /// (including the tail of the members' logs) and kills what was started.
    bool start(QString *error);
    void killAll();

    int size() const { return int(m_members.size()); }
    QStringList clientUrls() const;
    QString clientUrl(int index) const;
    qint64 pid(int index) const;
    bool isRunning(int index) const;
    /// etcd's member id (from /v3/maintenance/status), 0 when unknown.
    quint64 memberId(int index) const;

    /// Signals to one member (SIGKILL the whole group; SIGSTOP/SIGCONT just the process).
    void kill(int index);
    void stop(int index);
    void resume(int index);
    /// Restarts a killed member with its old data dir and `--initial-cluster-state existing`;
    /// waits until it answers /health (needs a quorum) or `timeoutMs`.
    bool restart(int index, QString *error, int timeoutMs = 30000);

    /// Index of the raft leader according to /v3/maintenance/status of the running members, or -1
    /// when none answers or they disagree. Waits at most `timeoutMs`.
    int leaderIndex(int timeoutMs = 2000);
    /// True when member `index` answers {"health":"true"} within `timeoutMs`.
    bool isHealthy(int index, int timeoutMs = 1000);
    QString logTail(int index, int lines = 20) const;

    // Non-blocking variants for GUI owners (LocalHaCluster): they start processes and return at
    // once; the caller watches /health or /v3/maintenance/status itself.

    /// Picks ports and launches every member without waiting for /health. False + *error when a
    /// process cannot be started (what was started is killed).
    bool launchAll(QString *error);
    /// SIGKILLs member `index` (if running) and starts it again with its data dir and
    /// `--initial-cluster-state existing`, without waiting.
    bool relaunch(int index, QString *error);
    /// Reserves a name, ports and a data dir for one more member (nothing started, no etcd call);
    /// returns its index. Announce peerUrl(index) with EtcdClient::memberAdd, then launchReserved().
    int reserveMember(QString *error);
    /// Starts a reserved member with `--initial-cluster-state existing`, without waiting.
    bool launchReserved(int index, QString *error);
    /// The member left the cluster (memberRemove done, or its memberAdd failed): SIGKILLs it and
    /// leaves it out of --initial-cluster of later launches.
    void retire(int index);
    bool isRetired(int index) const { return m_members.at(index).retired; }
    QString name(int index) const { return m_members.at(index).name; }
    QString peerUrl(int index) const;
    /// Starts a reserved member so it joins the running cluster with `initialCluster` exactly as
    /// `accelctl etcd member-add` printed it (the member must have been added first); waits until
    /// it answers /health or `timeoutMs`. restart() of it reuses the same string.
    bool startJoining(int index, const QString &initialCluster, QString *error, int timeoutMs = 30000);

private:
    struct Member
    {
        QString name;
        quint16 clientPort = 0;
        quint16 peerPort = 0;
        QString dataDir;
        QString logFile;
        QProcess *process = nullptr;
        quint64 memberId = 0;
        bool stopped = false;
        QString joinCluster; ///< --initial-cluster of a member that joined later (empty: the original)
        bool retired = false;
    };
    bool pickPorts(Member *member, QString *error);
    bool launch(int index, bool existing, QString *error);
    QString initialCluster() const;
    bool waitHealthy(const QList<int> &indexes, int timeoutMs, QString *error);
    void refreshMemberIds();

    Options m_options;
    QString m_binary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QList<Member> m_members;
};

} // namespace accel
