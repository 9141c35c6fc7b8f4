#include "cluster/HaMonitor.h"

#include "cluster/CoordinatorNode.h"
#include "cluster/HaCoordinatorsModel.h"
#include "cluster/HaMembersModel.h"
#include "cluster/etcd/EtcdClient.h"
#include "common/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <memory>

namespace accel {

namespace {
constexpr qint64 kMaxHealthBytes = 64 * 1024;
}

HaMonitor::HaMonitor(const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock ? clock : Clock::system())
    , m_timer(new QTimer(this))
    , m_network(new QNetworkAccessManager(this))
    , m_coordinators(new HaCoordinatorsModel(m_clock, this))
    , m_members(new HaMembersModel(this))
{
    m_timer->setInterval(m_intervalMs);
    connect(m_timer, &QTimer::timeout, this, &HaMonitor::pollNow);
}

HaMonitor::~HaMonitor() = default;

void HaMonitor::setTargets(const QStringList &etcdEndpoints, const QList<QUrl> &coordinators,
                           const QByteArray &token)
{
    ++m_generation;
    m_pending = 0;
    m_etcdEndpoints = etcdEndpoints;
    m_coordinatorUrls = coordinators;
    m_token = token;
    delete m_etcd;
    m_etcd = nullptr;
    if (!etcdEndpoints.isEmpty()) {
        // Network deadlines are real time whatever clock the models use.
        m_etcd = new EtcdClient(etcdEndpoints, this, Clock::system());
        m_etcd->setTimeoutMs(qMax(100, m_intervalMs * 9 / 10));
        m_etcd->setAttemptTimeoutMs(qMax(100, qMin(700, m_intervalMs * 7 / 10)));
    }
    m_coordinators->setUrls(coordinators);
    m_members->setMembers({});
    m_series.clear();
    m_etcdError.clear();
    m_etcdLeaderId = 0;
    if (m_leaderUrl.isValid() || m_leaderEpoch != 0) {
        m_leaderUrl = QUrl();
        m_leaderEpoch = 0;
        Q_EMIT leaderChanged(m_leaderUrl, 0);
    }
}

void HaMonitor::clear()
{
    stop();
    setTargets({}, {}, {});
}

void HaMonitor::start()
{
    m_timer->start();
    pollNow();
}

void HaMonitor::stop()
{
    m_timer->stop();
}

bool HaMonitor::isRunning() const
{
    return m_timer->isActive();
}

void HaMonitor::setIntervalMs(int intervalMs)
{
    m_intervalMs = qMax(100, intervalMs);
    m_timer->setInterval(m_intervalMs);
    if (m_etcd) {
        m_etcd->setTimeoutMs(qMax(100, m_intervalMs * 9 / 10));
        m_etcd->setAttemptTimeoutMs(qMax(100, qMin(700, m_intervalMs * 7 / 10)));
    }
}

void HaMonitor::setHistoryLimit(int samples)
{
    m_historyLimit = qMax(2, samples);
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        while (it->size() > m_historyLimit) {
            it->removeFirst();
        }
    }
}

bool HaMonitor::pollNow()
{
    if (m_pending > 0) {
        return false;
    }
    round();
    return true;
}

void HaMonitor::round()
{
    // One extra count for the round itself, so parts answering synchronously cannot finish it early.
    m_pending = 1;
    for (int i = 0; i < m_coordinatorUrls.size(); ++i) {
        pollCoordinator(i, m_coordinatorUrls.at(i));
    }
    if (m_etcd) {
        pollMembers();
    }
    finishPart();
}

void HaMonitor::finishPart()
{
    if (m_pending <= 0 || --m_pending > 0) {
        return;
    }
    ++m_rounds;
    m_coordinators->refreshAges();
    updateLeader();
    Q_EMIT polled();
}

void HaMonitor::pollCoordinator(int row, const QUrl &url)
{
    ++m_pending;
    QUrl target = url;
    target.setPath(QStringLiteral("/api/v1/health"));
    QNetworkRequest request(target);
    request.setRawHeader("X-Accel-Token", m_token);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(qMax(100, m_intervalMs * 9 / 10));
    QNetworkReply *reply = m_network->get(request);
    const quint64 generation = m_generation;
    connect(reply, &QNetworkReply::finished, this, [this, reply, row, generation] {
        reply->deleteLater();
        if (generation != m_generation || row >= m_coordinators->rowCount()) {
            return;
        }
        HaCoordinatorStatus s = m_coordinators->status(row);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->read(kMaxHealthBytes + 1);
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
        s.error.clear();
        if (status == 0) {
            s.error = reply->error() == QNetworkReply::OperationCanceledError
                          ? QStringLiteral("no answer within %1 ms").arg(m_intervalMs * 9 / 10)
                          : reply->errorString();
        } else if (status == 401) {
            s.error = QStringLiteral("HTTP 401: missing or wrong token");
        } else if (status != 200) {
            s.error = QStringLiteral("HTTP %1").arg(status);
        } else if (body.size() > kMaxHealthBytes) {
            s.error = QStringLiteral("health answer larger than %1 bytes").arg(kMaxHealthBytes);
        } else if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            s.error = QStringLiteral("health answer is not a JSON object");
        }
        if (!s.error.isEmpty()) {
            s.role = HaCoordinatorStatus::Role::Unreachable;
            s.ok = false;
        } else {
            const QJsonObject o = doc.object();
            s.role = HaCoordinatorStatus::roleFromString(o.value(QStringLiteral("role")).toString());
            s.ok = o.value(QStringLiteral("ok")).toBool();
            s.leader = o.value(QStringLiteral("leader")).toString();
            s.epoch = qint64(o.value(QStringLiteral("epoch")).toDouble());
            s.reason = o.value(QStringLiteral("reason")).toString().left(500);
            s.etcdEndpoint = o.value(QStringLiteral("etcdEndpoint")).toString().left(200);
            s.leaseValid = o.value(QStringLiteral("leaseValid")).toBool();
            s.lastSeenMs = m_clock->nowMs();
            if (s.role == HaCoordinatorStatus::Role::Unknown && !o.contains(QStringLiteral("role"))) {
                s.reason = QStringLiteral("not a redundant coordinator (no role in its health answer)");
            }
        }
        m_coordinators->updateStatus(row, s);
        finishPart();
    });
}

void HaMonitor::pollMembers()
{
    ++m_pending;
    const quint64 generation = m_generation;
    m_etcd->memberList(this, [this, generation](const EtcdResult<EtcdMemberListResponse> &result) {
        if (generation != m_generation) {
            return;
        }
        QList<HaMemberStatus> members;
        if (result.ok()) {
            m_etcdError.clear();
            for (const EtcdMember &em : result.value().members) {
                HaMemberStatus m;
                const int row = m_members->rowOfId(em.id);
                if (row >= 0) {
                    m = m_members->member(row); // keep the last raft numbers while it is down
                }
                m.id = em.id;
                m.name = em.name;
                m.peerUrls = em.peerUrls;
                m.clientUrl = em.clientUrls.value(0);
                m.isLearner = em.isLearner;
                members << m;
            }
        } else {
            // No member list (quorum lost, or every endpoint down): keep asking the members we know,
            // or the configured endpoints, one by one.
            m_etcdError = result.error().toString();
            members = m_members->members();
            if (members.isEmpty()) {
                for (const QString &endpoint : std::as_const(m_etcdEndpoints)) {
                    HaMemberStatus m;
                    m.clientUrl = endpoint;
                    members << m;
                }
            }
        }
        pollMemberStatuses(members, generation);
        finishPart();
    });
}

void HaMonitor::pollMemberStatuses(const QList<HaMemberStatus> &members, quint64 generation)
{
    struct Gather
    {
        QList<HaMemberStatus> members;
        int outstanding = 0;
    };
    auto gather = std::make_shared<Gather>();
    gather->members = members;
    auto complete = [this, gather] {
        // The raft leader is the one most answering members name.
        QHash<quint64, int> votes;
        for (const HaMemberStatus &m : std::as_const(gather->members)) {
            if (m.reachable && m.leaderId != 0) {
                ++votes[m.leaderId];
            }
        }
        quint64 leader = 0;
        int best = 0;
        for (auto it = votes.constBegin(); it != votes.constEnd(); ++it) {
            if (it.value() > best) {
                best = it.value();
                leader = it.key();
            }
        }
        m_etcdLeaderId = leader;
        for (HaMemberStatus &m : gather->members) {
            m.isLeader = leader != 0 && m.id == leader;
        }
        m_members->setMembers(gather->members);
        finishPart();
    };
    ++m_pending; // for `complete`
    gather->outstanding = 1;
    for (int i = 0; i < gather->members.size(); ++i) {
        HaMemberStatus &m = gather->members[i];
        if (m.clientUrl.isEmpty()) {
            m.reachable = false;
            m.error = QStringLiteral("added to the cluster, its process has not joined yet");
            continue;
        }
        ++gather->outstanding;
        m_etcd->statusOf(m.clientUrl, this,
                         [this, gather, i, generation, complete](const EtcdResult<EtcdStatusResponse> &r) {
                             if (generation != m_generation) {
                                 return;
                             }
                             HaMemberStatus &m = gather->members[i];
                             if (r.ok()) {
                                 const EtcdStatusResponse &st = r.value();
                                 m.reachable = true;
                                 m.error = st.errors.join(QLatin1String("; "));
                                 if (m.id == 0) {
                                     m.id = st.header.memberId;
                                 }
                                 m.leaderId = st.leader;
                                 m.raftTerm = st.raftTerm;
                                 m.raftIndex = st.raftIndex;
                                 m.raftAppliedIndex = st.raftAppliedIndex;
                                 m.dbSizeBytes = st.dbSizeBytes;
                                 m.version = st.version;
                                 m.isLearner = m.isLearner || st.isLearner;
                                 m.lastSeenMs = m_clock->nowMs();
                                 const Sample sample{m.lastSeenMs, st.raftIndex, st.dbSizeBytes};
                                 QList<Sample> &series = m_series[m.id];
                                 series << sample;
                                 while (series.size() > m_historyLimit) {
                                     series.removeFirst();
                                 }
                                 Q_EMIT sampled(m.id, sample);
                             } else {
                                 m.reachable = false;
                                 m.leaderId = 0;
                                 m.error = r.error().toString();
                             }
                             if (--gather->outstanding == 0) {
                                 complete();
                             }
                         });
    }
    if (--gather->outstanding == 0) {
        complete();
    }
}

bool HaMonitor::forceElection(const QByteArray &prefix)
{
    if (!m_etcd || !prefix.startsWith('/') || prefix.endsWith('/') || prefix.size() > 200 ||
        prefix.contains('\0')) {
        return false;
    }
    const QByteArray key = CoordinatorNode::electionKey(prefix);
    accel::EtcdRangeRequest range;
    range.key = key;
    const quint64 generation = m_generation;
    m_etcd->range(range, this, [this, generation, key](const EtcdResult<EtcdRangeResponse> &r) {
        if (generation != m_generation) {
            return;
        }
        if (!r.ok()) {
            Q_EMIT electionForced(false, r.error().toString());
            return;
        }
        if (r.value().kvs.isEmpty() || r.value().kvs.first().lease == 0) {
            Q_EMIT electionForced(false,
                                  QStringLiteral("no coordinator holds %1").arg(QString::fromUtf8(key)));
            return;
        }
        const EtcdKeyValue kv = r.value().kvs.first();
        m_etcd->leaseRevoke(
            kv.lease, this, [this, generation, kv](const EtcdResult<EtcdLeaseRevokeResponse> &rr) {
                if (generation != m_generation) {
                    return;
                }
                if (!rr.ok()) {
                    Q_EMIT electionForced(false, rr.error().toString());
                    return;
                }
                Q_EMIT electionForced(true, QStringLiteral("revoked the lease of %1 (epoch %2)")
                                                .arg(QString::fromUtf8(kv.value))
                                                .arg(kv.createRevision));
            });
    });
    return true;
}

void HaMonitor::updateLeader()
{
    const int row = m_coordinators->leaderRow();
    const QUrl url = row >= 0 ? m_coordinators->status(row).url : QUrl();
    const qint64 epoch = row >= 0 ? m_coordinators->status(row).epoch : 0;
    if (url != m_leaderUrl || epoch != m_leaderEpoch) {
        m_leaderUrl = url;
        m_leaderEpoch = epoch;
        Q_EMIT leaderChanged(url, epoch);
    }
}

} // namespace accel
