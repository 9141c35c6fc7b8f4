// ClusterConnection: construction, connection life cycle (probe, backoff, reconnect, state and
// errors) and the event WebSocket. Requests and operations: ClusterConnectionRequests.cpp; live
// updates of the lists and summaries: ClusterConnectionUpdates.cpp.
#include "cluster/ClusterConnection.h"

#include "common/LogCategories.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

namespace accel {

ClusterConnection::ClusterConnection(QObject *parent)
    : ClusterConnection(Options{}, parent)
{}

ClusterConnection::ClusterConnection(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_nam(new QNetworkAccessManager(this))
    , m_events(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_retry(new QTimer(this))
    , m_poll(new QTimer(this))
    , m_coalesce(new QTimer(this))
    , m_summaries(new QTimer(this))
    , m_backoffMs(options.reconnectMinMs)
{
    init();
}

ClusterConnection::~ClusterConnection()
{
    m_state = State::Disconnected;
    m_events->disconnect(this);
    m_events->abort();
    // Pending operations still get their answer; receivers connected with a context object
    // that is already gone are skipped by Qt.
    abortAll();
}

void ClusterConnection::init()
{
    qRegisterMetaType<accel::ClusterConnection::Reply>();
    qRegisterMetaType<accel::ClusterConnection::State>();
    qRegisterMetaType<accel::ClusterConnection::Error>();
    m_events->setMaxAllowedIncomingMessageSize(quint64(kMaxEventBytes));
    m_events->setMaxAllowedIncomingFrameSize(quint64(kMaxEventBytes));
    m_retry->setSingleShot(true);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(int(m_options.coalesceMs));
    m_summaries->setInterval(int(m_options.summaryIntervalMs));
    connect(m_retry, &QTimer::timeout, this, &ClusterConnection::probe);
    connect(m_poll, &QTimer::timeout, this, &ClusterConnection::refresh);
    connect(m_coalesce, &QTimer::timeout, this, &ClusterConnection::flushDirty);
    connect(m_summaries, &QTimer::timeout, this, &ClusterConnection::fetchDueSummaries);
    connect(m_events, &QWebSocket::connected, this, [this] {
        setLive(true);
        restartPoll();
        // Whatever happened between the last fetch and the subscription is fetched once more.
        markDirty(DirtyHealth | DirtyWorkers | DirtySuites | DirtyTasks);
    });
    connect(m_events, &QWebSocket::disconnected, this, [this] {
        const bool was = m_live;
        setLive(false);
        if (m_state == State::Connected) {
            restartPoll();
            if (was) {
                probe(); // is the coordinator gone, or only the event stream?
            }
        }
    });
    connect(m_events, &QWebSocket::textMessageReceived, this, &ClusterConnection::onEventText);
}

QString ClusterConnection::stateName(State s)
{
    switch (s) {
    case State::Disconnected:
        return QStringLiteral("disconnected");
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Connected:
        return QStringLiteral("connected");
    case State::Reconnecting:
        return QStringLiteral("reconnecting");
    }
    return {};
}

QString ClusterConnection::errorName(Error e)
{
    switch (e) {
    case Error::None:
        return QStringLiteral("none");
    case Error::InvalidUrl:
        return QStringLiteral("invalid-url");
    case Error::Unauthorized:
        return QStringLiteral("unauthorized");
    case Error::Unreachable:
        return QStringLiteral("unreachable");
    case Error::Timeout:
        return QStringLiteral("timeout");
    case Error::BadReply:
        return QStringLiteral("bad-reply");
    case Error::Rejected:
        return QStringLiteral("rejected");
    }
    return {};
}

void ClusterConnection::connectTo(const QUrl &base, const QByteArray &token)
{
    disconnectFromCoordinator();
    m_base = base;
    m_token = token;
    m_summaryDone.clear();
    m_suiteDone.clear();
    m_health = {};
    // A different coordinator: the views start empty.
    emit healthChanged(m_health);
    emit workersReceived({});
    emit suitesReceived({});
    if (!m_watchedSuite.isEmpty()) {
        emit tasksReceived(m_watchedSuite, {});
    }
    if (!base.isValid() || base.host().isEmpty() ||
        (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https"))) {
        setError(Error::InvalidUrl, QStringLiteral("coordinator must be an http(s) URL with a host, got '%1'")
                                        .arg(base.toDisplayString(QUrl::RemoveUserInfo).left(300)));
        return;
    }
    m_backoffMs = m_options.reconnectMinMs;
    setState(State::Connecting);
    probe();
}

void ClusterConnection::disconnectFromCoordinator()
{
    ++m_generation;
    m_retry->stop();
    m_poll->stop();
    m_coalesce->stop();
    m_summaries->stop();
    m_dirty = 0;
    m_inFlight = 0;
    m_probing = false;
    m_summaryInFlight.clear();
    setState(State::Disconnected);
    closeEvents();
    abortAll();
}

void ClusterConnection::reconnectNow()
{
    if (m_base.isEmpty()) {
        return;
    }
    if (m_state == State::Disconnected) {
        connectTo(m_base, m_token);
        return;
    }
    m_backoffMs = m_options.reconnectMinMs;
    m_retry->stop();
    probe();
}

void ClusterConnection::setWatchedSuite(const QString &suiteId)
{
    if (suiteId == m_watchedSuite) {
        return;
    }
    m_watchedSuite = suiteId;
    if (suiteId.isEmpty()) {
        return;
    }
    // The watcher starts from nothing: it needs the tasks and the cases again.
    m_summaryDone.remove(suiteId);
    if (m_state == State::Connected) {
        markDirty(DirtyTasks);
        if (m_suiteDone.value(suiteId, 0) > 0) {
            fetchDueSummaries();
            m_summaries->start();
        }
    }
}

void ClusterConnection::refresh()
{
    if (m_state != State::Connected) {
        if (m_state == State::Connecting || (m_state == State::Reconnecting && !m_retry->isActive())) {
            probe();
        }
        return;
    }
    if (m_events->state() == QAbstractSocket::UnconnectedState) {
        openEvents();
    }
    m_dirty |= DirtyHealth | DirtyWorkers | DirtySuites | DirtyTasks;
    m_coalesce->stop();
    flushDirty();
}

void ClusterConnection::setState(State s)
{
    if (s == m_state) {
        return;
    }
    m_state = s;
    qCInfo(lcCluster).noquote() << "coordinator connection" << m_base.toDisplayString(QUrl::RemoveUserInfo)
                                << stateName(s);
    emit stateChanged(s);
}

void ClusterConnection::setError(Error e, const QString &detail)
{
    m_lastError = e;
    m_lastErrorDetail = detail;
    if (e != Error::None) {
        qCWarning(lcCluster).noquote() << "coordinator connection:" << errorName(e) << detail;
        emit errorOccurred(e, detail);
    }
}

void ClusterConnection::setLive(bool live)
{
    if (live != m_live) {
        m_live = live;
        emit liveChanged(live);
    }
}

void ClusterConnection::restartPoll()
{
    if (m_state != State::Connected) {
        m_poll->stop();
        return;
    }
    m_poll->start(int(m_live ? m_options.pollIntervalMs : m_options.fallbackPollIntervalMs));
}

// --- connection life cycle ---------------------------------------------------------------------

void ClusterConnection::probe()
{
    if (m_probing || m_base.isEmpty() || m_state == State::Disconnected) {
        return;
    }
    m_probing = true;
    m_inFlight |= DirtyHealth;
    const quint64 gen = m_generation;
    send("GET", QStringLiteral("/api/v1/health"), {}, [this, gen](const Reply &r) {
        if (gen != m_generation) {
            return;
        }
        m_probing = false;
        m_inFlight &= ~unsigned(DirtyHealth);
        onProbed(r);
    });
}

void ClusterConnection::onProbed(const Reply &r)
{
    if (r.ok() && !r.json.isObject()) {
        lost(Error::BadReply, QStringLiteral("health answer is not a JSON object"));
        return;
    }
    if (!r.ok()) {
        handleBackgroundFailure(r);
        return;
    }
    m_health = r.json.object();
    emit healthChanged(m_health);
    if (m_state != State::Connected) {
        m_backoffMs = m_options.reconnectMinMs;
        m_retry->stop();
        setError(Error::None, {});
        setState(State::Connected);
        openEvents();
        restartPoll();
        m_dirty |= DirtyWorkers | DirtySuites | DirtyTasks;
        flushDirty();
        return;
    }
    if (m_dirty != 0 && !m_coalesce->isActive()) {
        m_coalesce->start();
    }
}

bool ClusterConnection::handleBackgroundFailure(const Reply &r)
{
    switch (r.error) {
    case Error::None:
        return false;
    case Error::Unauthorized:
        // Retrying with the same token cannot help: stop until the operator acts.
        ++m_generation;
        m_retry->stop();
        m_poll->stop();
        m_coalesce->stop();
        m_summaries->stop();
        m_probing = false;
        m_inFlight = 0;
        m_summaryInFlight.clear();
        setError(r.error, r.detail);
        setState(State::Disconnected);
        closeEvents();
        abortAll();
        return true;
    case Error::Unreachable:
    case Error::Timeout:
        lost(r.error, r.detail);
        return true;
    case Error::InvalidUrl:
    case Error::BadReply:
    case Error::Rejected:
        setError(r.error, r.detail);
        return true;
    }
    return true;
}

void ClusterConnection::lost(Error e, const QString &detail)
{
    if (m_state == State::Disconnected) {
        return;
    }
    setError(e, detail);
    if (m_retry->isActive() || m_probing) {
        return; // already retrying
    }
    m_poll->stop();
    m_coalesce->stop();
    m_summaries->stop();
    setState(State::Reconnecting);
    closeEvents();
    m_retry->start(int(m_backoffMs));
    m_backoffMs = std::min(m_backoffMs * 2, m_options.reconnectMaxMs);
}

void ClusterConnection::openEvents()
{
    if (m_events->state() != QAbstractSocket::UnconnectedState) {
        return;
    }
    QUrl url = m_base;
    url.setScheme(m_base.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    QString basePath = m_base.path();
    while (basePath.endsWith(QLatin1Char('/'))) {
        basePath.chop(1);
    }
    url.setPath(basePath + QStringLiteral("/api/v1/events"));
    url.setQuery(QString());
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    m_events->open(request);
}

void ClusterConnection::closeEvents()
{
    if (m_events->state() != QAbstractSocket::UnconnectedState) {
        m_events->abort();
    }
    setLive(false);
}

} // namespace accel
