#include "cluster/ClusterConnection.h"

#include "common/LogCategories.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

#include <utility>

namespace accel {

namespace {

constexpr char kTooLargeProperty[] = "accelReplyTooLarge";

QString encodeSegments(const QString &key)
{
    QStringList parts = key.split(QLatin1Char('/'));
    for (QString &p : parts) {
        p = QString::fromLatin1(QUrl::toPercentEncoding(p));
    }
    return parts.join(QLatin1Char('/'));
}

} // namespace

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
    , m_results(new QTimer(this))
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
    m_results->setInterval(int(m_options.resultsIntervalMs));
    connect(m_retry, &QTimer::timeout, this, &ClusterConnection::probe);
    connect(m_poll, &QTimer::timeout, this, &ClusterConnection::refresh);
    connect(m_coalesce, &QTimer::timeout, this, &ClusterConnection::flushDirty);
    connect(m_results, &QTimer::timeout, this, &ClusterConnection::fetchDueResults);
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
    m_resultsDone.clear();
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
    m_results->stop();
    m_dirty = 0;
    m_inFlight = 0;
    m_probing = false;
    m_resultsInFlight.clear();
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
    // The watcher starts from nothing: it needs the tasks and the results again.
    m_resultsDone.remove(suiteId);
    if (m_state == State::Connected) {
        markDirty(DirtyTasks);
        if (m_suiteDone.value(suiteId, 0) > 0) {
            fetchDueResults();
            m_results->start();
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

// --- transport ---------------------------------------------------------------------------------

QNetworkReply *ClusterConnection::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                                       Handler handler)
{
    QUrl url = m_base;
    QString basePath = m_base.path();
    while (basePath.endsWith(QLatin1Char('/'))) {
        basePath.chop(1);
    }
    const int q = path.indexOf(QLatin1Char('?'));
    url.setPath(basePath + (q < 0 ? path : path.left(q)));
    url.setQuery(q < 0 ? QString() : path.mid(q + 1));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(int(m_options.requestTimeoutMs));
    QNetworkReply *reply = m_nam->sendCustomRequest(request, verb, body);
    m_replies.insert(reply, handler);
    connect(reply, &QNetworkReply::downloadProgress, this, [reply](qint64 received, qint64 total) {
        if (received > kMaxReplyBytes || total > kMaxReplyBytes) {
            reply->setProperty(kTooLargeProperty, true);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        const Handler h = m_replies.take(reply);
        finishReply(reply, h);
    });
    return reply;
}

void ClusterConnection::finishReply(QNetworkReply *reply, const Handler &handler)
{
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (reply->property(kTooLargeProperty).toBool()) {
        r.error = Error::BadReply;
        r.detail = QStringLiteral("reply larger than %1 bytes").arg(kMaxReplyBytes);
    } else if (r.status == 0) {
        const auto e = reply->error();
        r.error = (e == QNetworkReply::TimeoutError || e == QNetworkReply::OperationCanceledError)
                      ? Error::Timeout
                      : Error::Unreachable;
        r.detail = r.error == Error::Timeout
                       ? QStringLiteral("no answer within %1 ms").arg(m_options.requestTimeoutMs)
                       : reply->errorString();
    } else {
        QJsonParseError parse{};
        r.json = QJsonDocument::fromJson(body, &parse);
        if (r.status == 401) {
            r.error = Error::Unauthorized;
            r.detail = QStringLiteral("the coordinator refused the token");
        } else if (r.status < 200 || r.status >= 300) {
            r.error = Error::Rejected;
            r.detail = r.json.object().value(QStringLiteral("error")).toString().left(2000);
            if (r.detail.isEmpty()) {
                r.detail = QStringLiteral("HTTP %1").arg(r.status);
            }
        } else if (parse.error != QJsonParseError::NoError || r.json.isNull()) {
            r.error = Error::BadReply;
            r.detail = QStringLiteral("the answer is not JSON: %1").arg(parse.errorString());
        }
    }
    reply->deleteLater();
    if (handler) {
        handler(r);
    }
}

void ClusterConnection::abortAll()
{
    const auto replies = std::exchange(m_replies, {});
    for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        it.key()->deleteLater();
    }
    for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
        if (it.value()) {
            Reply r;
            r.error = Error::Unreachable;
            r.detail = QStringLiteral("the connection to the coordinator was closed");
            it.value()(r);
        }
    }
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
        m_results->stop();
        m_probing = false;
        m_inFlight = 0;
        m_resultsInFlight.clear();
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
    m_results->stop();
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

// --- live updates ------------------------------------------------------------------------------

void ClusterConnection::onEventText(const QString &text)
{
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parse);
    if (!doc.isObject()) {
        qCWarning(lcCluster) << "ignoring an event that is not a JSON object:" << parse.errorString();
        return;
    }
    const QJsonObject e = doc.object();
    const QString kind = e.value(QStringLiteral("event")).toString();
    if (kind == QLatin1String("worker")) {
        const QJsonObject w = e.value(QStringLiteral("worker")).toObject();
        if (!w.value(QStringLiteral("id")).toString().isEmpty()) {
            emit workerUpdated(w);
        }
        markDirty(DirtyHealth);
    } else if (kind == QLatin1String("task")) {
        const QJsonObject t = e.value(QStringLiteral("task")).toObject();
        if (!t.value(QStringLiteral("key")).toString().isEmpty()) {
            emit taskUpdated(t);
        }
        // Suite counts and the queue length follow from task changes; no suite event says so.
        markDirty(DirtyHealth | DirtySuites);
    } else if (kind == QLatin1String("suite")) {
        const QJsonObject s = e.value(QStringLiteral("suite")).toObject();
        if (!s.value(QStringLiteral("id")).toString().isEmpty()) {
            noteSuite(s);
            emit suiteUpdated(s);
        }
        markDirty(DirtyHealth);
    } else if (kind == QLatin1String("log")) {
        emit logReceived(
            e.value(QStringLiteral("task")).toString(), e.value(QStringLiteral("attempt")).toInt(),
            e.value(QStringLiteral("stream")).toString(), e.value(QStringLiteral("data")).toString());
    } else if (kind == QLatin1String("recovery")) {
        emit recoveryStep(e.value(QStringLiteral("step")).toObject());
        // Quarantine and suspicion change workers without a worker event.
        markDirty(DirtyWorkers);
    }
}

void ClusterConnection::markDirty(unsigned what)
{
    m_dirty |= what;
    if (m_state == State::Connected && !m_coalesce->isActive()) {
        m_coalesce->start();
    }
}

void ClusterConnection::flushDirty()
{
    if (m_state != State::Connected) {
        return;
    }
    const unsigned want = m_dirty;
    m_dirty = 0;
    if (want & DirtyHealth) {
        fetchHealth();
    }
    if (want & DirtyWorkers) {
        fetchWorkers();
    }
    if (want & DirtySuites) {
        fetchSuites();
    }
    if (want & DirtyTasks) {
        fetchTasks();
    }
}

void ClusterConnection::fetchHealth()
{
    if (m_probing) {
        m_dirty |= DirtyHealth; // fetched again once the current answer is in
        return;
    }
    probe();
}

void ClusterConnection::fetchWorkers()
{
    if (m_inFlight & DirtyWorkers) {
        m_dirty |= DirtyWorkers;
        return;
    }
    m_inFlight |= DirtyWorkers;
    const quint64 gen = m_generation;
    send("GET", QStringLiteral("/api/v1/workers"), {}, [this, gen](const Reply &r) {
        if (gen != m_generation) {
            return;
        }
        m_inFlight &= ~unsigned(DirtyWorkers);
        if (handleBackgroundFailure(r)) {
            return;
        }
        if (!r.json.isArray()) {
            setError(Error::BadReply, QStringLiteral("the worker list is not a JSON array"));
            return;
        }
        emit workersReceived(r.json.array());
        if (m_dirty != 0 && !m_coalesce->isActive()) {
            m_coalesce->start();
        }
    });
}

void ClusterConnection::fetchSuites()
{
    if (m_inFlight & DirtySuites) {
        m_dirty |= DirtySuites;
        return;
    }
    m_inFlight |= DirtySuites;
    const quint64 gen = m_generation;
    send("GET", QStringLiteral("/api/v1/suites"), {}, [this, gen](const Reply &r) {
        if (gen != m_generation) {
            return;
        }
        m_inFlight &= ~unsigned(DirtySuites);
        if (handleBackgroundFailure(r)) {
            return;
        }
        if (!r.json.isArray()) {
            setError(Error::BadReply, QStringLiteral("the suite list is not a JSON array"));
            return;
        }
        const QJsonArray suites = r.json.array();
        for (const QJsonValue &v : suites) {
            noteSuite(v.toObject());
        }
        emit suitesReceived(suites);
        if (m_dirty != 0 && !m_coalesce->isActive()) {
            m_coalesce->start();
        }
    });
}

void ClusterConnection::fetchTasks()
{
    if (m_watchedSuite.isEmpty()) {
        return;
    }
    if (m_inFlight & DirtyTasks) {
        m_dirty |= DirtyTasks;
        return;
    }
    m_inFlight |= DirtyTasks;
    const quint64 gen = m_generation;
    const QString suite = m_watchedSuite;
    send("GET", QStringLiteral("/api/v1/tasks?suite=") + QString::fromLatin1(QUrl::toPercentEncoding(suite)),
         {}, [this, gen, suite](const Reply &r) {
             if (gen != m_generation) {
                 return;
             }
             m_inFlight &= ~unsigned(DirtyTasks);
             if (handleBackgroundFailure(r)) {
                 return;
             }
             if (!r.json.isArray()) {
                 setError(Error::BadReply, QStringLiteral("the task list is not a JSON array"));
                 return;
             }
             emit tasksReceived(suite, r.json.array());
             if (m_dirty != 0 && !m_coalesce->isActive()) {
                 m_coalesce->start();
             }
         });
}

void ClusterConnection::noteSuite(const QJsonObject &suite)
{
    const QString id = suite.value(QStringLiteral("id")).toString();
    if (id.isEmpty()) {
        return;
    }
    const int done = suite.value(QStringLiteral("done")).toInt();
    m_suiteDone.insert(id, done);
    if (done <= 0 || m_resultsDone.value(id, -1) == done || m_state != State::Connected) {
        return;
    }
    // Throttled while the suite runs; a suite that just ended gets its final numbers at once.
    const bool ended = suite.value(QStringLiteral("state")).toString() != QLatin1String("running");
    if (ended || !m_results->isActive()) {
        fetchDueResults();
        if (!m_results->isActive()) {
            m_results->start();
        }
    }
}

void ClusterConnection::fetchDueResults()
{
    if (m_state != State::Connected) {
        m_results->stop();
        return;
    }
    bool due = false;
    for (auto it = m_suiteDone.cbegin(); it != m_suiteDone.cend(); ++it) {
        const QString id = it.key();
        const int done = it.value();
        if (done <= 0 || m_resultsDone.value(id, -1) == done) {
            continue;
        }
        due = true;
        if (m_resultsInFlight.contains(id)) {
            continue;
        }
        m_resultsInFlight.insert(id);
        const quint64 gen = m_generation;
        send("GET",
             QStringLiteral("/api/v1/suites/") + QString::fromLatin1(QUrl::toPercentEncoding(id)) +
                 QStringLiteral("/results"),
             {}, [this, gen, id, done](const Reply &r) {
                 if (gen != m_generation) {
                     return;
                 }
                 m_resultsInFlight.remove(id);
                 if (handleBackgroundFailure(r)) {
                     if (r.error == Error::Rejected) {
                         m_resultsDone.insert(id, done); // e.g. a suite that vanished: do not hammer
                     }
                     return;
                 }
                 if (!r.json.isObject()) {
                     setError(Error::BadReply, QStringLiteral("the results document is not a JSON object"));
                     return;
                 }
                 m_resultsDone.insert(id, done);
                 emit resultsReceived(id, r.json.object());
             });
    }
    if (!due) {
        m_results->stop();
    }
}

// --- operations --------------------------------------------------------------------------------

quint64 ClusterConnection::operation(Operation op, const QString &subject, const QByteArray &verb,
                                     const QString &path, const QByteArray &body)
{
    const quint64 id = m_nextId++;
    if (m_state == State::Disconnected || m_base.isEmpty()) {
        Reply r;
        r.id = id;
        r.operation = op;
        r.subject = subject;
        r.error = Error::Unreachable;
        r.detail = QStringLiteral("not connected to a coordinator");
        // Answered on the next event-loop turn so the caller knows the id first.
        QTimer::singleShot(0, this, [this, r] { emit requestFinished(r); });
        return id;
    }
    send(verb, path, body, [this, id, op, subject](const Reply &answer) {
        Reply r = answer;
        r.id = id;
        r.operation = op;
        r.subject = subject;
        if (r.ok()) {
            switch (op) {
            case Operation::DrainWorker:
            case Operation::UndrainWorker:
            case Operation::QuarantineWorker:
            case Operation::UnquarantineWorker:
                if (r.json.isObject()) {
                    emit workerUpdated(r.json.object()); // drain/undrain publish no event
                }
                markDirty(DirtyHealth);
                break;
            case Operation::SubmitSuite:
            case Operation::CancelSuite:
                markDirty(DirtyHealth | DirtySuites | DirtyTasks);
                break;
            case Operation::TaskLog:
            case Operation::TaskDetail:
                break;
            }
        } else if (r.error == Error::Unreachable || r.error == Error::Timeout) {
            lost(r.error, r.detail);
        } else if (r.error == Error::Unauthorized) {
            handleBackgroundFailure(r);
        }
        emit requestFinished(r);
    });
    return id;
}

quint64 ClusterConnection::submitSuite(const QByteArray &suiteJson)
{
    return operation(Operation::SubmitSuite, QString(), "POST", QStringLiteral("/api/v1/suites"), suiteJson);
}

quint64 ClusterConnection::cancelSuite(const QString &suiteId)
{
    return operation(Operation::CancelSuite, suiteId, "POST",
                     QStringLiteral("/api/v1/suites/") +
                         QString::fromLatin1(QUrl::toPercentEncoding(suiteId)) + QStringLiteral("/cancel"),
                     {});
}

quint64 ClusterConnection::workerAction(const QString &workerId, Operation action)
{
    QString verb;
    switch (action) {
    case Operation::DrainWorker:
        verb = QStringLiteral("drain");
        break;
    case Operation::UndrainWorker:
        verb = QStringLiteral("undrain");
        break;
    case Operation::QuarantineWorker:
        verb = QStringLiteral("quarantine");
        break;
    case Operation::UnquarantineWorker:
        verb = QStringLiteral("unquarantine");
        break;
    default:
        break;
    }
    if (verb.isEmpty()) {
        const quint64 id = m_nextId++;
        Reply r;
        r.id = id;
        r.operation = action;
        r.subject = workerId;
        r.error = Error::Rejected;
        r.detail = QStringLiteral("not a worker action");
        QTimer::singleShot(0, this, [this, r] { emit requestFinished(r); });
        return id;
    }
    return operation(action, workerId, "POST",
                     QStringLiteral("/api/v1/workers/") +
                         QString::fromLatin1(QUrl::toPercentEncoding(workerId)) + QLatin1Char('/') + verb,
                     {});
}

quint64 ClusterConnection::fetchTaskLog(const QString &taskKey)
{
    return operation(Operation::TaskLog, taskKey, "GET",
                     QStringLiteral("/api/v1/tasks/") + encodeSegments(taskKey) + QStringLiteral("/logs"),
                     {});
}

quint64 ClusterConnection::fetchTask(const QString &taskKey)
{
    return operation(Operation::TaskDetail, taskKey, "GET",
                     QStringLiteral("/api/v1/tasks/") + encodeSegments(taskKey), {});
}

} // namespace accel
