#include "cluster/CoordinatorNode.h"

#include "cluster/CoordinatorReadView.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdStore.h"
#include "cluster/etcd/LeaderElection.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QTimer>

#include <memory>

namespace accel {

CoordinatorNode::CoordinatorNode(const Options &options, CoordinatorServer *server, const Clock *clock,
                                 QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_server(server)
    , m_clock(clock ? clock : Clock::system())
    , m_client(new EtcdClient(options.etcdEndpoints, this, m_clock))
    , m_retryStart(new QTimer(this))
    , m_refresh(new QTimer(this))
{
    m_client->setTimeoutMs(options.etcdTimeoutMs);
    m_client->setAttemptTimeoutMs(qMin(1000, options.etcdTimeoutMs));
    EtcdStore::Options storeOptions;
    storeOptions.endpoints = options.etcdEndpoints;
    storeOptions.keyPrefix = storePrefix(options.prefix);
    storeOptions.timeoutMs = options.etcdTimeoutMs;
    storeOptions.attemptTimeoutMs = qMin(1000, options.etcdTimeoutMs);
    m_store = new EtcdStore(storeOptions, this, m_clock);
    LeaderElection::Options electionOptions;
    electionOptions.key = electionKey(options.prefix);
    electionOptions.candidateId = options.advertiseUrl.toString(QUrl::StripTrailingSlash).toUtf8();
    electionOptions.ttlSeconds = options.leaseTtlSeconds;
    electionOptions.retryIntervalMs = 250;
    m_election = new LeaderElection(m_client, electionOptions, this);
    m_store->setFence(m_election);
    m_readView = new CoordinatorReadView(m_store, this);
    if (m_server) {
        m_server->setReadView(m_readView);
    }

    m_retryStart->setSingleShot(true);
    m_retryStart->setInterval(500);
    m_refresh->setInterval(250);
    connect(m_retryStart, &QTimer::timeout, this, &CoordinatorNode::startCoordinator);
    connect(m_refresh, &QTimer::timeout, this, &CoordinatorNode::publish);
    connect(m_election, &LeaderElection::elected, this, &CoordinatorNode::onElected);
    connect(m_election, &LeaderElection::steppedDown, this, &CoordinatorNode::onSteppedDown);
    connect(m_election, &LeaderElection::leaderChanged, this, [this](const QByteArray &leader, qint64 epoch) {
        qCInfo(lcCluster).noquote() << "coordinator node: leader is now"
                                    << (leader.isEmpty() ? QStringLiteral("(none)")
                                                         : QString::fromUtf8(leader))
                                    << "epoch" << epoch;
        publish();
    });
    connect(m_election, &LeaderElection::errorOccurred, this, [this](const EtcdError &error) {
        const QString text = error.toString();
        const qint64 now = m_clock->nowMs();
        // Campaigns retry every 250 ms: log a repeated error at most every 5 s.
        if (text != m_lastEtcdError || now - m_lastEtcdErrorMs > 5000) {
            qCWarning(lcCluster).noquote() << "coordinator node: etcd:" << text;
            m_lastEtcdErrorMs = now;
        }
        m_lastEtcdError = text;
        publish();
    });
    publish();
}

CoordinatorNode::~CoordinatorNode()
{
    if (m_server) {
        m_server->setReadView(nullptr);
    }
    m_readView->stop();
    stopCoordinator(QStringLiteral("node destroyed"));
    m_election->halt();
}

QByteArray CoordinatorNode::electionKey(const QByteArray &prefix)
{
    return prefix + QByteArrayLiteral("/election/coordinator");
}

QByteArray CoordinatorNode::storePrefix(const QByteArray &prefix)
{
    return prefix + QByteArrayLiteral("/state");
}

bool CoordinatorNode::validate(const Options &options, QString *error)
{
    if (options.etcdEndpoints.isEmpty()) {
        *error = QStringLiteral("--etcd-endpoints needs at least one URL (http://host:port)");
        return false;
    }
    for (const QString &e : options.etcdEndpoints) {
        const QUrl url(e, QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty() || url.port() <= 0 ||
            (!url.path().isEmpty() && url.path() != QLatin1String("/"))) {
            *error = QStringLiteral("etcd endpoint '%1' is not of the form http://host:port").arg(e);
            return false;
        }
    }
    if (!options.prefix.startsWith('/') || options.prefix.endsWith('/') || options.prefix.size() > 200 ||
        options.prefix.contains('\0')) {
        *error =
            QStringLiteral("--etcd-prefix must start with '/', not end with '/', at most 200 bytes; got '%1'")
                .arg(QString::fromUtf8(options.prefix));
        return false;
    }
    if (options.leaseTtlSeconds < 1 || options.leaseTtlSeconds > 60) {
        *error = QStringLiteral("the lease TTL must be 1..60 s, got %1").arg(options.leaseTtlSeconds);
        return false;
    }
    if (!options.advertiseUrl.isValid() || options.advertiseUrl.host().isEmpty() ||
        (options.advertiseUrl.scheme() != QLatin1String("http") &&
         options.advertiseUrl.scheme() != QLatin1String("https"))) {
        *error = QStringLiteral("--advertise-url must be an http(s) URL, got '%1'")
                     .arg(options.advertiseUrl.toString());
        return false;
    }
    return true;
}

void CoordinatorNode::start()
{
    qCInfo(lcCluster).noquote() << "coordinator node" << m_options.advertiseUrl.toString() << "campaigning on"
                                << QString::fromUtf8(electionKey(m_options.prefix)) << "via"
                                << m_options.etcdEndpoints.join(QLatin1Char(','));
    m_election->start();
    m_refresh->start();
}

qint64 CoordinatorNode::epoch() const
{
    return m_coordinator ? m_coordinator->config().epoch : 0;
}

QUrl CoordinatorNode::leaderUrl() const
{
    if (m_coordinator) {
        return m_options.advertiseUrl;
    }
    const QByteArray leader = m_election->observedLeader();
    // A stale view is worse than none: while our own lease is not renewed etcd may be without
    // quorum, and the key naming us (after we stepped down) is not a leader to send anyone to.
    if (leader.isEmpty() || !m_election->hasValidLease() ||
        leader == m_options.advertiseUrl.toString(QUrl::StripTrailingSlash).toUtf8()) {
        return {};
    }
    return QUrl(QString::fromUtf8(leader));
}

QJsonObject CoordinatorNode::info() const
{
    const QUrl leader = leaderUrl();
    const bool leaseOk = m_election->hasValidLease();
    QString role;
    QString reason;
    bool ok = false;
    if (m_coordinator) {
        role = QStringLiteral("leader");
        ok = true;
    } else if (m_stopping) {
        role = QStringLiteral("stopping");
        reason = QStringLiteral("shutting down");
    } else if (!leader.isEmpty()) {
        role = QStringLiteral("follower");
        ok = true;
        reason = m_reason;
    } else {
        role = QStringLiteral("candidate");
        if (!leaseOk) {
            reason =
                QStringLiteral("etcd unreachable or without quorum: this node's lease is not being renewed");
        } else if (!m_reason.isEmpty()) {
            reason = m_reason;
        } else {
            reason = QStringLiteral("no leader elected yet");
        }
        if (!m_lastEtcdError.isEmpty()) {
            reason += QStringLiteral(" (last etcd error: %1)").arg(m_lastEtcdError);
        }
    }
    QJsonObject o{
        {QStringLiteral("ok"), ok},
        {QStringLiteral("role"), role},
        {QStringLiteral("self"), m_options.advertiseUrl.toString(QUrl::StripTrailingSlash)},
        {QStringLiteral("leader"), leader.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                    : QJsonValue(leader.toString(QUrl::StripTrailingSlash))},
        {QStringLiteral("epoch"), m_coordinator ? m_coordinator->config().epoch
                                                : (leader.isEmpty() ? 0 : m_election->observedEpoch())},
        {QStringLiteral("store"), QStringLiteral("etcd")},
        {QStringLiteral("etcdEndpoint"), m_client->currentEndpoint()},
        {QStringLiteral("leaseValid"), leaseOk}};
    if (m_readView->isRunning()) {
        o.insert(QStringLiteral("readRevision"), m_readView->revision());
    }
    if (!reason.isEmpty()) {
        o.insert(QStringLiteral("reason"), reason);
    }
    return o;
}

void CoordinatorNode::publish()
{
    // Leader first: a server losing sight of the leader closes its follower event streams while
    // it still knows it was serving them.
    if (m_server) {
        m_server->setLeaderUrl(leaderUrl());
    }
    maintainReadView();
    if (m_server) {
        m_server->setNodeInfo(info());
    }
}

void CoordinatorNode::maintainReadView()
{
    const bool wanted = !m_coordinator && !m_stopping && !leaderUrl().isEmpty();
    if (!wanted) {
        if (m_readView->isRunning()) {
            m_readView->stop();
        }
        return;
    }
    const qint64 now = m_clock->nowMs();
    if (m_readView->isRunning() || now - m_readViewAttemptMs < 1000) {
        return;
    }
    // Loading blocks on etcd (like a leader's load): only tried while etcd renews our lease and a
    // leader is known, at most once a second.
    m_readViewAttemptMs = now;
    QString error;
    if (!m_readView->start(&error)) {
        qCWarning(lcCluster).noquote() << "coordinator node: follower read view:" << error;
    }
}

void CoordinatorNode::onElected(qint64 epoch)
{
    qCInfo(lcCluster) << "coordinator node: elected, epoch" << epoch;
    m_reason.clear();
    startCoordinator();
}

void CoordinatorNode::startCoordinator()
{
    if (m_stopping || m_coordinator || !m_election->isLeader()) {
        return;
    }
    CoordinatorConfig config = m_options.config;
    config.epoch = m_election->epoch();
    auto *coordinator = new Coordinator(m_store, m_clock, config, this);
    QString error;
    if (!coordinator->start(&error)) {
        delete coordinator;
        m_reason = QStringLiteral("elected (epoch %1) but the state cannot be loaded: %2")
                       .arg(config.epoch)
                       .arg(error);
        qCWarning(lcCluster).noquote() << "coordinator node:" << m_reason;
        m_retryStart->start();
        publish();
        return;
    }
    if (!m_election->isLeader() || m_election->epoch() != config.epoch) {
        // Leadership went while the state loaded (loading blocks on etcd): never serve it.
        delete coordinator;
        publish();
        return;
    }
    m_coordinator = coordinator;
    if (m_server) {
        m_server->setCoordinator(coordinator);
    }
    publish();
    Q_EMIT becameLeader(config.epoch);
}

void CoordinatorNode::onSteppedDown(const QString &reason)
{
    m_retryStart->stop();
    stopCoordinator(reason);
    Q_EMIT becameFollower(reason);
}

void CoordinatorNode::stopCoordinator(const QString &reason)
{
    m_reason = QStringLiteral("stepped down: %1").arg(reason);
    if (!m_coordinator) {
        publish();
        return;
    }
    qCWarning(lcCluster).noquote() << "coordinator node: stops coordinating (epoch"
                                   << m_coordinator->config().epoch << "):" << reason;
    // Order matters: detach from the transport first so no frame or request reaches it, then
    // destroy it (its last flush runs against the fence and is rejected by etcd).
    if (m_server) {
        m_server->setCoordinator(nullptr);
    }
    Coordinator *old = m_coordinator;
    m_coordinator = nullptr;
    delete old;
    publish();
}

void CoordinatorNode::shutdown(int timeoutMs)
{
    if (m_stopping) {
        return;
    }
    m_stopping = true;
    m_retryStart->stop();
    stopCoordinator(QStringLiteral("shutting down"));
    auto done = std::make_shared<bool>(false);
    auto finish = [this, done] {
        if (!*done) {
            *done = true;
            Q_EMIT shutDown();
        }
    };
    connect(m_election, &LeaderElection::resigned, this, finish);
    QTimer::singleShot(timeoutMs, this, finish);
    m_election->resign();
}

} // namespace accel
