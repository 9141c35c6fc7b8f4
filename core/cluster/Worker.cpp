#include "cluster/Worker.h"

#include "cluster/BrowserProber.h"
#include "cluster/ModelBenchmarkTask.h"
#include "cluster/TaskRunner.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QDir>
#include <QFile>
#include <QNetworkRequest>
#include <QStorageInfo>
#include <QTimer>
#include <QWebSocket>

namespace accel {

namespace {

qint64 availableMemoryMb()
{
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : meminfo.readAll().split('\n')) {
        if (line.startsWith("MemAvailable:")) {
            return line.mid(13).trimmed().split(' ').first().toLongLong() / 1024;
        }
    }
    return -1;
}

} // namespace

Worker::Worker(const WorkerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_heartbeat(new QTimer(this))
    , m_reconnect(new QTimer(this))
    , m_logFlush(new QTimer(this))
    , m_backoffMs(config.reconnectMinMs)
    , m_urls(config.coordinators.isEmpty() ? QList<QUrl>{config.coordinator} : config.coordinators)
{
    QDir().mkpath(m_config.workDir);
    m_caps = WorkerCapabilities::detect(m_config.workDir);
    m_caps.commandTasks = m_config.allowCommands;
    m_caps.labels = m_config.labels;
    m_caps.slotCount = std::max(1, m_config.slotCount);
    if (m_config.probeBrowsers && !m_caps.browsers.isEmpty()) {
        for (WorkerCapabilities::Browser &b : m_caps.browsers) {
            b.probe = QStringLiteral("pending");
        }
        m_prober = new BrowserProber(ModelBenchmarkTask::program(), m_config.browserProbeTimeoutMs, this);
        connect(m_prober, &BrowserProber::browserProbed, this, &Worker::onBrowserProbed);
    }
    m_socket->setMaxAllowedIncomingMessageSize(quint64(ClusterProtocol::kMaxFrameBytes));
    m_reconnect->setSingleShot(true);
    m_logFlush->setInterval(200);
    connect(m_reconnect, &QTimer::timeout, this, &Worker::connectNow);
    connect(m_heartbeat, &QTimer::timeout, this, [this] {
        ClusterMessage hb;
        hb.type = ClusterMessage::Type::Heartbeat;
        hb.running = runningList();
        send(hb);
        checkAlive();
        m_socket->ping();
    });
    connect(m_logFlush, &QTimer::timeout, this, &Worker::flushLogs);
    connect(m_socket, &QWebSocket::connected, this, &Worker::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &Worker::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &Worker::onText);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_lastHeardMs = Clock::system()->nowMs(); });
    // A refused connection or a refused upgrade (a follower's redirect) may end without a
    // disconnected() from a socket that never connected: move on from the error as well.
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(m_socket, &QWebSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
#else
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
#endif
        qCDebug(lcCluster).noquote() << "worker:" << currentCoordinator().toString() << ":"
                                     << m_socket->errorString();
        QTimer::singleShot(0, this, [this] {
            if (m_socket->state() == QAbstractSocket::UnconnectedState && !m_reconnect->isActive()) {
                onDisconnected();
            }
        });
    });
}

QUrl Worker::currentCoordinator() const
{
    return m_urls.value(m_urlIndex);
}

void Worker::checkAlive()
{
    const qint64 limitMs = std::max<qint64>(3 * std::max(1, m_heartbeat->interval()), 1500);
    if (m_registered && Clock::system()->nowMs() - m_lastHeardMs > limitMs) {
        qCWarning(lcCluster).noquote() << "worker: coordinator" << currentCoordinator().toString()
                                       << "silent for more than" << limitMs << "ms; trying the next one";
        m_socket->abort();
    }
}

Worker::~Worker()
{
    m_stopping = true;
    for (const Running &r : std::as_const(m_runners)) {
        r.runner->cancel();
    }
}

void Worker::start()
{
    m_stopping = false;
    m_logFlush->start();
    connectNow();
    // After the connection attempt: registration never waits for a browser.
    if (m_prober && !m_probeStarted) {
        m_probeStarted = true;
        m_prober->start(m_caps.browsers);
    }
}

bool Worker::isProbing() const
{
    return m_prober && m_prober->isRunning();
}

void Worker::onBrowserProbed(int index, const WorkerCapabilities::Browser &browser)
{
    if (index < 0 || index >= m_caps.browsers.size() || m_caps.browsers.at(index).name != browser.name) {
        return;
    }
    m_caps.browsers[index] = browser;
    // A later Register carries the same list, so an update lost to a reconnect is not lost.
    ClusterMessage update;
    update.type = ClusterMessage::Type::Capabilities;
    update.capabilities.browsers = m_caps.browsers;
    send(update);
    emit browserProbed(browser.name);
}

void Worker::stop()
{
    m_stopping = true;
    m_heartbeat->stop();
    m_reconnect->stop();
    m_socket->close();
}

void Worker::connectNow()
{
    if (m_stopping || m_socket->state() != QAbstractSocket::UnconnectedState) {
        return;
    }
    QUrl url = currentCoordinator();
    if (url.scheme() == QLatin1String("http")) {
        url.setScheme(QStringLiteral("ws"));
    } else if (url.scheme() == QLatin1String("https")) {
        url.setScheme(QStringLiteral("wss"));
    }
    url.setPath(QStringLiteral("/api/v1/worker"));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_config.token);
    m_socket->open(request);
}

void Worker::onConnected()
{
    m_backoffMs = m_config.reconnectMinMs;
    m_failedInRound = 0;
    m_lastHeardMs = Clock::system()->nowMs();
    ClusterMessage reg;
    reg.type = ClusterMessage::Type::Register;
    reg.workerId = m_config.workerId;
    reg.name = m_config.name;
    reg.capabilities = m_caps;
    const QStorageInfo storage(m_config.workDir);
    reg.capabilities.freeDiskMb = storage.isValid() ? storage.bytesAvailable() / (1024 * 1024) : 0;
    reg.running = runningList();
    send(reg);
}

void Worker::onDisconnected()
{
    if (m_reconnect->isActive()) {
        return; // already handled (error and disconnected both report one failure)
    }
    const bool was = m_registered;
    m_registered = false;
    m_heartbeat->stop();
    if (was) {
        emit disconnectedFromCoordinator();
    }
    scheduleReconnect();
}

void Worker::scheduleReconnect()
{
    if (m_stopping) {
        return;
    }
    // Next coordinator of the list at once; a full round without success backs off.
    ++m_failedInRound;
    m_urlIndex = m_urls.isEmpty() ? 0 : (m_urlIndex + 1) % int(m_urls.size());
    if (m_failedInRound < m_urls.size()) {
        m_reconnect->start(0);
        return;
    }
    m_failedInRound = 0;
    m_reconnect->start(int(m_backoffMs));
    m_backoffMs = std::min(m_backoffMs * 2, m_config.reconnectMaxMs);
}

void Worker::send(const ClusterMessage &m)
{
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->sendTextMessage(QString::fromUtf8(ClusterProtocol::encode(m)));
    }
}

QString Worker::runKey(const QString &task, int attempt)
{
    return task + QLatin1Char('#') + QString::number(attempt);
}

QList<ClusterMessage::RunningTask> Worker::runningList() const
{
    QList<ClusterMessage::RunningTask> list;
    for (const Running &r : m_runners) {
        list.append({r.task, r.attempt});
    }
    for (const ClusterMessage &m : m_outbox) {
        list.append({m.task, m.attempt});
    }
    return list;
}

void Worker::onText(const QString &text)
{
    m_lastHeardMs = Clock::system()->nowMs();
    ClusterMessage m;
    QString error;
    if (!ClusterProtocol::decode(text.toUtf8(), &m, &error)) {
        qCWarning(lcCluster) << "worker: bad frame from coordinator:" << error;
        return;
    }
    using T = ClusterMessage::Type;
    switch (m.type) {
    case T::Welcome:
        if (m.epoch < m_epoch) {
            qCWarning(lcCluster) << "worker: coordinator epoch" << m.epoch << "is older than" << m_epoch;
            m_socket->close();
            return;
        }
        m_epoch = m.epoch;
        m_registered = true;
        m_heartbeat->start(int(m.heartbeatMs));
        // Results not yet acknowledged go to this leader under its epoch: it adopted the
        // attempts we reported in Register, and accepts each task + attempt once.
        for (ClusterMessage &result : m_outbox) {
            result.epoch = m_epoch;
            send(result);
        }
        emit registered(m.workerId);
        break;
    case T::Assign:
        onAssign(m);
        break;
    case T::Cancel:
        onCancel(m);
        break;
    case T::Ack:
        m_outbox.remove(runKey(m.task, m.attempt));
        break;
    case T::Drain:
        m_draining = true;
        qCInfo(lcCluster) << "worker: draining";
        break;
    case T::Error:
        qCWarning(lcCluster).noquote() << "worker: coordinator says:" << m.message;
        break;
    default:
        qCWarning(lcCluster) << "worker: unexpected message" << ClusterProtocol::typeName(m.type);
        break;
    }
}

void Worker::reject(const ClusterMessage &assign, const QString &failure, const QString &message)
{
    ClusterMessage r;
    r.type = ClusterMessage::Type::Reject;
    r.task = assign.task;
    r.attempt = assign.attempt;
    r.epoch = assign.epoch;
    r.failure = failure;
    r.message = message;
    send(r);
}

void Worker::onAssign(const ClusterMessage &m)
{
    if (m.epoch < m_epoch) {
        reject(
            m, QStringLiteral("stale-epoch"),
            QStringLiteral("assignment from epoch %1, current leader epoch is %2").arg(m.epoch).arg(m_epoch));
        return;
    }
    const QString key = runKey(m.task, m.attempt);
    if (m_runners.contains(key) || m_outbox.contains(key)) {
        return; // duplicate delivery
    }
    TaskSpec spec = m.spec;
    if (spec.kind == TaskSpec::Kind::ModelBenchmark) {
        const QString program = ModelBenchmarkTask::program();
        if (program.isEmpty()) {
            reject(m, QStringLiteral("unsupported"),
                   QStringLiteral("this worker runs no model benchmarks (accelctl not found)"));
            return;
        }
        spec = ModelBenchmarkTask::toCommand(spec, program);
    } else if (!m_config.allowCommands) {
        reject(m, QStringLiteral("not-allowed"),
               QStringLiteral("command tasks are not allowed on this worker"));
        return;
    }
    const QStorageInfo storage(m_config.workDir);
    if (storage.isValid() && storage.bytesAvailable() / (1024 * 1024) < m_config.minFreeDiskMb) {
        reject(m, QStringLiteral("disk-full"),
               QStringLiteral("%1 MB free in %2")
                   .arg(storage.bytesAvailable() / (1024 * 1024))
                   .arg(m_config.workDir));
        return;
    }
    const qint64 memMb = availableMemoryMb();
    if (memMb >= 0 && memMb < m_config.minFreeMemoryMb) {
        reject(m, QStringLiteral("low-memory"), QStringLiteral("%1 MB memory available").arg(memMb));
        return;
    }
    QString safe = m.task;
    safe.replace(QLatin1Char('/'), QLatin1Char('_'));
    const QString dir =
        QDir(m_config.workDir).filePath(QStringLiteral("tasks/%1-%2").arg(safe).arg(m.attempt));
    auto *runner = new TaskRunner(spec, dir, this);
    m_runners.insert(key, Running{m.task, m.attempt, runner});
    const QString task = m.task;
    const int attempt = m.attempt;
    const qint64 epoch = m.epoch;
    connect(runner, &TaskRunner::output, this, [this, key](const QString &, const QString &data) {
        QString &pending = m_pendingLogs[key];
        if (pending.size() < ClusterProtocol::kMaxLogChunkBytes / 2) {
            pending += data.left(int(ClusterProtocol::kMaxLogChunkBytes / 2 - pending.size()));
        }
    });
    connect(runner, &TaskRunner::finished, this,
            [this, key, task, attempt, epoch](const ClusterMessage &result) {
                flushLogs();
                Running r = m_runners.take(key);
                if (r.runner) {
                    r.runner->deleteLater();
                }
                ClusterMessage msg = result;
                msg.task = task;
                msg.attempt = attempt;
                // The leader we talk to now (a failover may have happened while it ran).
                msg.epoch = std::max(epoch, m_epoch);
                m_outbox.insert(key, msg);
                send(msg);
                emit taskFinished(task, attempt, msg.status);
            });
    ClusterMessage started;
    started.type = ClusterMessage::Type::Started;
    started.task = m.task;
    started.attempt = m.attempt;
    started.epoch = m.epoch;
    send(started);
    runner->start();
}

void Worker::onCancel(const ClusterMessage &m)
{
    const QString key = runKey(m.task, m.attempt);
    m_outbox.remove(key);
    m_pendingLogs.remove(key);
    Running r = m_runners.take(key);
    if (r.runner) {
        r.runner->cancel();
        r.runner->deleteLater();
    }
}

void Worker::flushLogs()
{
    for (auto it = m_pendingLogs.begin(); it != m_pendingLogs.end(); ++it) {
        auto r = m_runners.constFind(it.key());
        if (it.value().isEmpty() || r == m_runners.cend()) {
            continue;
        }
        ClusterMessage log;
        log.type = ClusterMessage::Type::Log;
        log.task = r->task;
        log.attempt = r->attempt;
        log.stream = QStringLiteral("stdout");
        log.data = it.value();
        send(log);
    }
    m_pendingLogs.clear();
}

} // namespace accel
