#pragma once

#include "cluster/Coordinator.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QUrl>

class QTimer;

namespace accel {

class Clock;
class CoordinatorReadView;
class CoordinatorServer;
class EtcdClient;
class EtcdStore;
class LeaderElection;

/// One redundant coordinator on an etcd cluster: the leader/follower lifecycle of
/// `accelerate-node --role coordinator --store etcd`.
///
/// It campaigns on `<prefix>/election/coordinator` (lease TTL leaseTtlSeconds, value = this node's
/// advertise URL). Elected: the EtcdStore is fenced on the election (every write compares the
/// election key's create revision), a Coordinator is built with epoch = that revision; it loads
/// the state from the store and re-queues in-flight work exactly as after a restart; the server
/// serves it. Stepped down (lease suspended or lost, key replaced, resign): the server drops the
/// coordinator at once (no assignment after that instant; pending writes fail the fence), the
/// coordinator is destroyed, and the node campaigns again as a follower that redirects to the
/// leader it observes. While it follows a known leader it also keeps a CoordinatorReadView (a
/// replica of the store, following its watch) that answers reads and the event stream (see
/// CoordinatorServer); the view is dropped when the node leads or loses sight of the leader.
/// Thread: the owner's (one event loop for election, store and server).
class CoordinatorNode : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QStringList etcdEndpoints;                       ///< http://host:port of the etcd members
        QByteArray prefix = QByteArrayLiteral("/accel"); ///< namespace of election and state
        QUrl advertiseUrl;                               ///< where clients reach this node
        qint64 leaseTtlSeconds = 1;
        int etcdTimeoutMs = 3000;
        CoordinatorConfig config; ///< epoch is overwritten with the election epoch
    };

    /// `server` (not owned, must outlive the node) is switched between leader and follower.
    CoordinatorNode(const Options &options, CoordinatorServer *server, const Clock *clock = nullptr,
                    QObject *parent = nullptr);
    ~CoordinatorNode() override;

    /// Checks the options (endpoint URLs, prefix, TTL); false + *error when they are unusable.
    static bool validate(const Options &options, QString *error);

    void start();
    /// Clean shutdown: stops coordinating, deletes the election key, revokes the lease; emits
    /// shutDown() when done (or after `timeoutMs` when etcd does not answer).
    void shutdown(int timeoutMs = 3000);

    bool isLeader() const { return m_coordinator != nullptr; }
    qint64 epoch() const;
    QUrl leaderUrl() const;
    Coordinator *coordinator() const { return m_coordinator; }
    CoordinatorReadView *readView() const { return m_readView; }
    /// The /health fields: role (leader|follower|candidate), leader, epoch, self, ok, reason.
    QJsonObject info() const;

    static QByteArray electionKey(const QByteArray &prefix);
    static QByteArray storePrefix(const QByteArray &prefix);

Q_SIGNALS:
    void becameLeader(qint64 epoch);
    void becameFollower(const QString &reason);
    void shutDown();

private:
    void onElected(qint64 epoch);
    void onSteppedDown(const QString &reason);
    void startCoordinator();
    void stopCoordinator(const QString &reason);
    void publish();
    /// Starts the read view when following a known leader, stops it otherwise.
    void maintainReadView();

    Options m_options;
    CoordinatorServer *m_server;
    const Clock *m_clock;
    EtcdClient *m_client;
    EtcdStore *m_store;
    LeaderElection *m_election;
    Coordinator *m_coordinator = nullptr;
    CoordinatorReadView *m_readView;
    qint64 m_readViewAttemptMs = 0;
    QTimer *m_retryStart;
    QTimer *m_refresh;
    QString m_reason; ///< why this node does not lead / is unhealthy (empty when fine)
    QString m_lastEtcdError;
    qint64 m_lastEtcdErrorMs = 0;
    bool m_stopping = false;
};

} // namespace accel
