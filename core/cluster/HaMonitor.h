#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;
class QTimer;

namespace accel {

class Clock;
class EtcdClient;
class HaCoordinatorsModel;
class HaMembersModel;
struct HaMemberStatus;

/// Watches a redundant coordinator setup (issue 8) without blocking: every intervalMs it asks
/// etcd for its member list (with endpoint failover) and each member for /v3/maintenance/status
/// (pinned to that member: raft term/index/applied index, leader, db size), and each coordinator
/// for `GET /api/v1/health` (role, leader, epoch, ok/reason). Results land in two table models
/// and in a bounded per-member time series of raftIndex and dbSize for charts.
///
/// A round starts only when the previous one has finished; every request has a timeout shorter
/// than the interval, so a dead member or coordinator shows as down with its error and never
/// stalls the others. Thread: the owner's (GUI in the console); `clock` must outlive it.
class HaMonitor : public QObject
{
    Q_OBJECT
public:
    struct Sample
    {
        qint64 tMs = 0; ///< Clock ms
        qint64 raftIndex = 0;
        qint64 dbSizeBytes = 0;
    };

    explicit HaMonitor(const Clock *clock = nullptr, QObject *parent = nullptr);
    ~HaMonitor() override;

    /// What to watch. `token` authorizes the coordinators' API (they all share one token).
    /// Clears the models and the history.
    void setTargets(const QStringList &etcdEndpoints, const QList<QUrl> &coordinators,
                    const QByteArray &token);
    QStringList etcdEndpoints() const { return m_etcdEndpoints; }
    QList<QUrl> coordinatorUrls() const { return m_coordinatorUrls; }
    QByteArray token() const { return m_token; }
    /// Forgets targets, rows and history; stops polling.
    void clear();

    void start();
    void stop();
    bool isRunning() const;
    int intervalMs() const { return m_intervalMs; }
    /// Poll period (default 1000 ms); request timeouts are 90% of it.
    void setIntervalMs(int intervalMs);
    /// Starts a round now unless one is in flight (returns false then).
    bool pollNow();
    bool isPolling() const { return m_pending > 0; }
    int roundsCompleted() const { return m_rounds; }

    HaCoordinatorsModel *coordinatorsModel() const { return m_coordinators; }
    HaMembersModel *membersModel() const { return m_members; }

    /// The one coordinator that says it leads (empty: none, or several claim it), and its epoch.
    QUrl leaderUrl() const { return m_leaderUrl; }
    qint64 leaderEpoch() const { return m_leaderEpoch; }
    /// The etcd raft leader's member id, 0 none.
    quint64 etcdLeaderId() const { return m_etcdLeaderId; }
    /// The last member-list error, empty when the last list succeeded.
    QString etcdError() const { return m_etcdError; }

    /// Forces a new coordinator election through etcd, for setups whose processes the console
    /// cannot signal: revokes the lease holding `<prefix>/election/coordinator`, so the key goes and
    /// every coordinator campaigns again (the old leader steps down at its next keepalive and may
    /// win again, with a new epoch; LocalHaCluster transfers by resign instead). False when there
    /// are no etcd endpoints or the prefix is malformed; else electionForced() follows.
    bool forceElection(const QByteArray &prefix);

    /// History per member id, oldest first, at most historyLimit() samples each.
    QList<quint64> seriesMemberIds() const { return m_series.keys(); }
    QList<Sample> series(quint64 memberId) const { return m_series.value(memberId); }
    int historyLimit() const { return m_historyLimit; }
    void setHistoryLimit(int samples);

Q_SIGNALS:
    /// A round finished: models and series are up to date.
    void polled();
    /// A member answered its status; `sample` was appended to its series.
    void sampled(quint64 memberId, const accel::HaMonitor::Sample &sample);
    /// Outcome of forceElection(); `message` is English detail (the revoked lease, or the error).
    void electionForced(bool ok, const QString &message);
    /// The agreed coordinator leader changed (empty url: none).
    void leaderChanged(const QUrl &url, qint64 epoch);

private:
    void round();
    void pollCoordinator(int row, const QUrl &url);
    void pollMembers();
    void pollMemberStatuses(const QList<HaMemberStatus> &members, quint64 generation);
    void finishPart();
    void updateLeader();

    const Clock *m_clock;
    QTimer *m_timer;
    QNetworkAccessManager *m_network;
    EtcdClient *m_etcd = nullptr;
    HaCoordinatorsModel *m_coordinators;
    HaMembersModel *m_members;
    QStringList m_etcdEndpoints;
    QList<QUrl> m_coordinatorUrls;
    QByteArray m_token;
    int m_intervalMs = 1000;
    int m_pending = 0;
    int m_rounds = 0;
    quint64 m_generation = 0; ///< bumped by setTargets/clear: answers of older rounds are dropped
    QUrl m_leaderUrl;
    qint64 m_leaderEpoch = 0;
    quint64 m_etcdLeaderId = 0;
    QString m_etcdError;
    QHash<quint64, QList<Sample>> m_series;
    int m_historyLimit = 300;
};

} // namespace accel
