#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

class QProcess;
class QTemporaryDir;

namespace accel {

class EtcdClient;
class EtcdProcessCluster;
struct EtcdError;

/// A redundant coordinator setup on this machine for trying HA and fault drills (issue 8): N real
/// etcd members (EtcdProcessCluster, own process groups, temp data dirs, free loopback ports, at
/// `--heartbeat-interval 50 --election-timeout 500`) and M `accelerate-node --role coordinator
/// --store etcd` processes (OS-chosen loopback ports, one shared token file), all started from
/// argument lists, never a shell.
///
/// Everything is asynchronous (QProcess signals, EtcdClient callbacks, timers); the only waits are
/// QProcess::waitForStarted of the etcd members (fork/exec) and the SIGKILL reaping in stop().
/// Outcomes arrive as actionFinished(); state as stateChanged(); process starts/exits as
/// processesChanged(). The destructor kills every process.
///
/// Leadership transfer = clean resign: the leading coordinator gets SIGTERM, which makes it delete
/// its election key and revoke its lease (CoordinatorNode::shutdown) and exit; the followers watch
/// the key and campaign at once, so one of *them* wins (revoking the lease alone would let the old
/// leader campaign again and possibly win). The old leader is then restarted on its port and
/// rejoins as follower. Thread: the owner's.
class LocalHaCluster : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped = 1, Starting, Running, Failed };
    Q_ENUM(State)
    enum class Action {
        Start = 1,
        RestartCoordinator,
        TransferLeadership,
        RestartMember,
        AddMember,
        RemoveMember
    };
    Q_ENUM(Action)

    struct Options
    {
        int members = 3;
        int coordinators = 3;
        int heartbeatIntervalMs = 50;
        int electionTimeoutMs = 500;
        int leaseTtlSeconds = 1;
        int startTimeoutMs = 30000;
        QByteArray prefix = QByteArrayLiteral("/accel-ha");
        QString nodeBinary; ///< empty: findNode()
        QString etcdBinary; ///< empty: EtcdProcessCluster::findEtcd()
    };

    explicit LocalHaCluster(const Options &options, QObject *parent = nullptr);
    ~LocalHaCluster() override;

    /// accelerate-node next to the running program (or in the build tree), $ACCEL_NODE, or PATH;
    /// empty when none is found.
    static QString findNode(const QString &preferred = {});
    static QStringList nodeCandidates();
    /// Empty when both etcd and accelerate-node are installed, else what is missing (English).
    static QString missingPrerequisites(const Options &options);

    State state() const { return m_state; }
    /// Why the last start failed (English, with log tails).
    QString errorString() const { return m_error; }
    /// True while a start, transfer or membership change is in flight.
    bool isBusy() const { return m_state == State::Starting || m_busy; }

    /// Starts everything; actionFinished(Start, ok, message) and stateChanged() follow.
    void start();
    /// SIGKILLs every coordinator and etcd member and removes the temporary data. Idempotent.
    void stop();

    QByteArray token() const { return m_token; }
    QByteArray prefix() const { return m_options.prefix; }
    /// Client URLs of the etcd members that are part of the cluster (not removed).
    QStringList etcdEndpoints() const;
    QList<QUrl> coordinatorUrls() const;

    int coordinatorCount() const { return int(m_coordinators.size()); }
    QUrl coordinatorUrl(int index) const;
    bool isCoordinatorRunning(int index) const;
    qint64 coordinatorPid(int index) const;
    int indexOfCoordinator(const QUrl &url) const;
    QString coordinatorLogTail(int index, int lines = 20) const;

    /// All members ever started, removed ones included (see isMemberRemoved()).
    int memberCount() const;
    bool isMemberRunning(int index) const;
    bool isMemberRemoved(int index) const;
    qint64 memberPid(int index) const;
    QString memberClientUrl(int index) const;
    int indexOfMember(const QString &clientUrl) const;

    // Fault drill. Each returns false (and does nothing) for a bad index or the wrong state.
    /// Sends `signal` (SIGKILL, SIGTERM, SIGSTOP, SIGCONT) to a coordinator process.
    bool signalCoordinator(int index, int signal);
    /// Starts a coordinator that is not running again on its old port.
    bool restartCoordinator(int index);
    /// Clean resign of coordinator `leaderIndex` (SIGTERM), then restart it as a follower.
    bool transferLeadership(int leaderIndex);
    /// SIGKILLs an etcd member (its process group).
    bool killMember(int index);
    /// Restarts a stopped member with its data dir (`--initial-cluster-state existing`).
    bool restartMember(int index);
    /// memberAdd for a new member, then starts it with `--initial-cluster-state existing`. While
    /// etcd refuses reconfiguration because it is settling (members connected < ~5 s, no leader),
    /// the request is repeated every 500 ms up to Options::startTimeoutMs.
    bool addMember();
    /// memberRemove of etcd member `memberId`, then SIGKILL of its process if it is ours.
    bool removeMember(quint64 memberId);

Q_SIGNALS:
    void stateChanged(accel::LocalHaCluster::State state);
    /// A process started or exited, or membership changed.
    void processesChanged();
    /// Human-readable progress (English) for a status line or log.
    void progress(const QString &message);
    void actionFinished(accel::LocalHaCluster::Action action, bool ok, const QString &message);

private:
    struct Coordinator
    {
        QProcess *process = nullptr;
        quint16 port = 0;
        bool ready = false;
        QString dataDir;
        QString logFile;
        QByteArray pending; ///< output not yet split into lines
    };
    void setState(State state);
    void fail(const QString &error);
    void finishBusy(Action action, bool ok, const QString &message);
    /// Polls the members' status until each reports a raft leader, or the deadline.
    void waitMembersReady(const QList<int> &members, qint64 deadlineMs,
                          const std::function<void(bool ok, const QString &error)> &done);
    void startCoordinators();
    bool launchCoordinator(int index, QString *error);
    void onCoordinatorOutput(int index, QProcess *process);
    void onCoordinatorFinished(int index, QProcess *process);
    void killCoordinatorNow(int index);
    /// memberAdd/memberRemove, tried again every 500 ms while etcd refuses because it is settling.
    void requestMemberAdd(int index, qint64 deadlineMs, int attempt);
    void launchAddedMember(int index);
    void requestMemberRemove(quint64 memberId, int local, qint64 deadlineMs, int attempt);
    static bool isSettling(const EtcdError &error);

    Options m_options;
    State m_state = State::Stopped;
    QString m_error;
    bool m_busy = false;
    int m_transferIndex = -1;
    quint64 m_generation = 0; ///< bumped by stop(): callbacks of an older run do nothing
    QString m_nodeBinary;
    QByteArray m_token;
    std::unique_ptr<QTemporaryDir> m_dir;
    EtcdProcessCluster *m_etcd = nullptr;
    EtcdClient *m_client = nullptr;
    QList<Coordinator> m_coordinators;
};

} // namespace accel
