#include "cluster/etcd/LeaderElection.h"

#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdLease.h"
#include "cluster/etcd/EtcdWatch.h"
#include "common/LogCategories.h"

#include <QTimer>

namespace accel {

LeaderElection::LeaderElection(EtcdClient *client, const Options &options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_options(options)
    , m_retry(new QTimer(this))
{
    m_retry->setInterval(qMax(50, options.retryIntervalMs));
    connect(m_retry, &QTimer::timeout, this, [this] {
        if (m_running && !m_leader) {
            campaign();
        }
    });
}

LeaderElection::~LeaderElection() = default;

qint64 LeaderElection::leaseId() const
{
    return m_lease ? m_lease->id() : 0;
}

bool LeaderElection::hasValidLease() const
{
    return m_lease && m_lease->isValid();
}

void LeaderElection::start()
{
    if (m_running || !m_client) {
        return;
    }
    m_running = true;
    EtcdWatchCreateRequest request;
    request.key = m_options.key;
    m_watch = m_client->watch(request, this);
    connect(m_watch, &EtcdWatch::events, this, &LeaderElection::onWatchEvents);
    connect(m_watch, &EtcdWatch::failed, this, [this](const EtcdError &error) {
        // Compaction or cancel: the periodic campaign keeps us correct; restart the watch from now.
        Q_EMIT errorOccurred(error);
        if (m_running && m_client) {
            m_watch->deleteLater();
            EtcdWatchCreateRequest again;
            again.key = m_options.key;
            m_watch = m_client->watch(again, this);
            connect(m_watch, &EtcdWatch::events, this, &LeaderElection::onWatchEvents);
        }
    });
    newLease();
    m_retry->start();
}

void LeaderElection::newLease()
{
    if (m_lease) {
        m_lease->halt();
        m_lease->deleteLater();
    }
    m_lease = new EtcdLease(m_client, m_options.ttlSeconds, this);
    EtcdLease *lease = m_lease;
    connect(lease, &EtcdLease::granted, this, [this] { campaign(); });
    connect(lease, &EtcdLease::grantFailed, this, [this, lease](const EtcdError &error) {
        Q_EMIT errorOccurred(error);
        QTimer::singleShot(m_retry->interval(), lease, [this] {
            if (m_running) {
                newLease();
            }
        });
    });
    connect(lease, &EtcdLease::suspended, this, [this] {
        if (m_leader) {
            stepDown(QStringLiteral("no keepalive acknowledged within the lease TTL"));
        }
    });
    connect(lease, &EtcdLease::renewed, this, [this] {
        if (m_running && !m_leader) {
            campaign(); // reclaims the key if our lease survived
        }
    });
    connect(lease, &EtcdLease::lost, this, [this](const QString &reason) {
        if (m_leader) {
            stepDown(QStringLiteral("lease lost: ") + reason);
        }
        if (m_running) {
            newLease();
        }
    });
    lease->grant();
}

void LeaderElection::campaign()
{
    if (!m_running || !m_client || !m_lease || !m_lease->isValid() || m_campaignInFlight) {
        return;
    }
    m_campaignInFlight = true;
    EtcdTxnRequest txn;
    txn.compare << EtcdCompare::absent(m_options.key);
    EtcdPutRequest put;
    put.key = m_options.key;
    put.value = m_options.candidateId;
    put.lease = m_lease->id();
    txn.success << put;
    EtcdRangeRequest range;
    range.key = m_options.key;
    txn.failure << range;
    m_client->txn(txn, this, [this](const EtcdResult<EtcdTxnResponse> &r) {
        m_campaignInFlight = false;
        onCampaignResult(r);
    });
}

void LeaderElection::onCampaignResult(const EtcdResult<EtcdTxnResponse> &result)
{
    if (!m_running) {
        return;
    }
    if (!result.ok()) {
        Q_EMIT errorOccurred(result.error());
        return; // the retry timer campaigns again
    }
    const EtcdTxnResponse &txn = result.value();
    if (txn.succeeded) {
        becomeLeader(txn.header.revision);
        return;
    }
    const auto *range =
        txn.responses.isEmpty() ? nullptr : std::get_if<EtcdRangeResponse>(&txn.responses.first());
    if (!range || range->kvs.isEmpty()) {
        QTimer::singleShot(0, this, &LeaderElection::campaign); // deleted in between: try again
        return;
    }
    const EtcdKeyValue &kv = range->kvs.first();
    if (m_lease && kv.lease == m_lease->id() && m_lease->isValid()) {
        becomeLeader(kv.createRevision); // our key survived a suspension
        return;
    }
    if (m_leader) {
        stepDown(QStringLiteral("the election key belongs to another candidate"));
    }
    observe(kv.value, kv.createRevision);
}

void LeaderElection::onWatchEvents(const QList<EtcdWatchEvent> &events)
{
    bool deleted = false;
    for (const EtcdWatchEvent &e : events) {
        if (e.type == EtcdWatchEvent::Type::Delete) {
            deleted = true;
        } else {
            deleted = false;
            if (!(m_leader && e.kv.createRevision == m_epoch)) {
                if (m_leader) {
                    stepDown(QStringLiteral("the election key was replaced"));
                }
                observe(e.kv.value, e.kv.createRevision);
            }
        }
    }
    if (deleted) {
        if (m_leader) {
            stepDown(QStringLiteral("the election key was deleted"));
        }
        observe({}, 0);
        campaign();
    }
}

void LeaderElection::becomeLeader(qint64 epoch)
{
    if (m_leader && m_epoch == epoch) {
        return;
    }
    m_leader = true;
    m_epoch = epoch;
    qCInfo(lcCluster) << "election" << m_options.key << ":" << m_options.candidateId << "leads, epoch"
                      << epoch;
    observe(m_options.candidateId, epoch);
    Q_EMIT elected(epoch);
}

void LeaderElection::stepDown(const QString &reason)
{
    if (!m_leader) {
        return;
    }
    m_leader = false;
    qCInfo(lcCluster) << "election" << m_options.key << ":" << m_options.candidateId
                      << "steps down:" << reason;
    Q_EMIT steppedDown(reason);
}

void LeaderElection::observe(const QByteArray &leaderId, qint64 epoch)
{
    if (leaderId == m_observedLeader && epoch == m_observedEpoch) {
        return;
    }
    m_observedLeader = leaderId;
    m_observedEpoch = epoch;
    Q_EMIT leaderChanged(leaderId, epoch);
}

void LeaderElection::resign()
{
    const bool wasLeader = m_leader;
    const qint64 epoch = m_epoch;
    m_running = false;
    m_retry->stop();
    if (m_watch) {
        m_watch->cancel();
    }
    stepDown(QStringLiteral("resigned"));
    auto revokeLease = [this] {
        if (!m_lease) {
            Q_EMIT resigned();
            return;
        }
        connect(m_lease, &EtcdLease::revoked, this, &LeaderElection::resigned, Qt::SingleShotConnection);
        m_lease->revoke();
    };
    if (!wasLeader || !m_client) {
        revokeLease();
        return;
    }
    EtcdTxnRequest txn;
    txn.compare << EtcdCompare::createRevision(m_options.key, EtcdCompare::Op::Equal, epoch);
    EtcdDeleteRequest del;
    del.key = m_options.key;
    txn.success << del;
    m_client->txn(txn, this, [revokeLease](const EtcdResult<EtcdTxnResponse> &) { revokeLease(); });
}

void LeaderElection::halt()
{
    m_running = false;
    m_retry->stop();
    if (m_watch) {
        m_watch->cancel();
    }
    if (m_lease) {
        m_lease->halt();
    }
    m_leader = false;
}

EtcdTxnRequest LeaderElection::fencedTxn(EtcdTxnRequest txn) const
{
    txn.compare.prepend(
        EtcdCompare::createRevision(m_options.key, EtcdCompare::Op::Equal, m_leader ? m_epoch : qint64(-1)));
    EtcdRangeRequest range;
    range.key = m_options.key;
    txn.failure << range;
    return txn;
}

bool LeaderElection::isFenceFailure(const EtcdTxnResponse &response, const QByteArray &electionKey,
                                    qint64 epoch)
{
    if (response.succeeded || response.responses.isEmpty()) {
        return false;
    }
    const auto *range = std::get_if<EtcdRangeResponse>(&response.responses.last());
    if (!range) {
        return false;
    }
    for (const EtcdKeyValue &kv : range->kvs) {
        if (kv.key == electionKey) {
            return kv.createRevision != epoch;
        }
    }
    return range->kvs.isEmpty(); // no leader at all: fenced as well
}

} // namespace accel
