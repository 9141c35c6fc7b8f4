#include "hosts/TransportBenchmark.h"

#include "hosts/HostSession.h"
#include "hosts/RuntimeServer.h"

#include "common/Clock.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>

namespace accel {

/// One echo path: how to send a frame and how echoes come back. `onEcho(bytes)` is called by
/// the path with the payload it got back (nullptr error path: empty + message).
struct TransportBenchmark::Echoer
{
    std::function<bool()> send;
    std::function<void(std::function<void(const QByteArray &payload)>)> setOnEcho;
    std::function<bool()> alive;
};

double TransportBenchmark::Leg::medianMiBPerSecond() const
{
    if (rounds.isEmpty()) {
        return 0;
    }
    QList<double> v;
    for (const Round &r : rounds) {
        v.append(r.mibPerSecond());
    }
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v.at(v.size() / 2) : (v.at(v.size() / 2 - 1) + v.at(v.size() / 2)) / 2;
}

TransportBenchmark::TransportBenchmark(Options options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_payload.resize(m_options.frameBytes - m_options.frameBytes % 4);
    auto *words = reinterpret_cast<quint32 *>(m_payload.data());
    QRandomGenerator rng(42);
    rng.fillRange(words, m_payload.size() / 4);
}

TransportBenchmark::~TransportBenchmark() = default;

bool TransportBenchmark::start(QString *error)
{
    RuntimeServerConfig config;
    config.limits.maxFrameBytes = m_options.frameBytes + 4096;
    m_server = new RuntimeServer(config, nullptr, this);
    if (!m_server->start(error)) {
        return false;
    }
    m_rawToken = m_server->token(); // the echo page carries it to the raw server too
    m_raw = new QWebSocketServer(QStringLiteral("accel-bench-raw"), QWebSocketServer::NonSecureMode, this);
    if (!m_raw->listen(QHostAddress::LocalHost, 0)) {
        if (error) {
            *error = QStringLiteral("raw echo server: %1").arg(m_raw->errorString());
        }
        return false;
    }
    connect(m_raw, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *socket = m_raw->nextPendingConnection()) {
            const QUrlQuery q(socket->requestUrl());
            if (q.queryItemValue(QStringLiteral("token")) != m_rawToken) {
                socket->close(QWebSocketProtocol::CloseCode(4401), QStringLiteral("invalid_token"));
                socket->deleteLater();
                continue;
            }
            socket->setParent(this);
            socket->setMaxAllowedIncomingMessageSize(quint64(m_options.frameBytes + 4096));
            socket->setMaxAllowedIncomingFrameSize(quint64(m_options.frameBytes + 4096));
            m_rawSockets.insert(q.queryItemValue(QStringLiteral("who")), socket);
        }
    });
    return true;
}

QWebSocket *TransportBenchmark::waitForRawSocket(const QString &who, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!m_rawSockets.contains(who) && timer.elapsed() < timeoutMs) {
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return m_rawSockets.value(who);
}

TransportBenchmark::Round TransportBenchmark::runRound(Echoer &echoer, QString *error)
{
    Round round;
    int sent = 0;
    int received = 0;
    bool failed = false;
    QEventLoop loop;
    echoer.setOnEcho([&](const QByteArray &payload) {
        if (payload.size() != m_payload.size() || payload != m_payload) {
            failed = true;
            *error = QStringLiteral("echo %1 came back altered (%2 bytes)").arg(received).arg(payload.size());
            loop.quit();
            return;
        }
        ++received;
        round.bytes += payload.size();
        if (received == m_options.framesPerRound) {
            loop.quit();
        } else if (sent < m_options.framesPerRound) {
            echoer.send();
            ++sent;
        }
    });
    QTimer timeout;
    timeout.setSingleShot(true);
    connect(&timeout, &QTimer::timeout, &loop, [&] {
        failed = true;
        *error = QStringLiteral("round timed out after %1 of %2 echoes")
                     .arg(received)
                     .arg(m_options.framesPerRound);
        loop.quit();
    });
    QElapsedTimer timer;
    timer.start();
    for (; sent < std::min(m_options.window, m_options.framesPerRound); ++sent) {
        if (!echoer.send()) {
            *error = QStringLiteral("send failed");
            echoer.setOnEcho(nullptr);
            return round;
        }
    }
    timeout.start(m_options.roundTimeoutMs);
    loop.exec();
    round.seconds = double(timer.nsecsElapsed()) / 1e9;
    round.frames = received;
    echoer.setOnEcho(nullptr);
    if (failed) {
        round.seconds = 0;
    }
    return round;
}

TransportBenchmark::Leg TransportBenchmark::measureQtClient()
{
    Leg leg{QStringLiteral("qt"), QStringLiteral("qt-client"), {}, {}};
    QWebSocket client;
    client.setMaxAllowedIncomingMessageSize(quint64(m_options.frameBytes + 4096));
    connect(&client, &QWebSocket::binaryMessageReceived, &client,
            [&client](const QByteArray &bytes) { client.sendBinaryMessage(bytes); });
    QUrl url(QStringLiteral("ws://127.0.0.1:%1/").arg(m_raw->serverPort()));
    url.setQuery(QStringLiteral("token=%1&who=qt").arg(m_rawToken));
    client.open(url);
    QWebSocket *socket = waitForRawSocket(QStringLiteral("qt"), 10000);
    if (!socket) {
        leg.error = QStringLiteral("the Qt client did not connect");
        return leg;
    }
    std::function<void(const QByteArray &)> onEcho;
    connect(socket, &QWebSocket::binaryMessageReceived, this, [&onEcho](const QByteArray &b) {
        if (onEcho) {
            onEcho(b);
        }
    });
    Echoer echoer{[&] { return socket->sendBinaryMessage(m_payload) > 0; },
                  [&](std::function<void(const QByteArray &)> f) { onEcho = std::move(f); },
                  [&] {
                      return socket->state() == QAbstractSocket::ConnectedState;
                  }};
    for (int r = 0; r < m_options.rounds && leg.error.isEmpty(); ++r) {
        const Round round = runRound(echoer, &leg.error);
        if (leg.error.isEmpty()) {
            leg.rounds.append(round);
        }
    }
    socket->disconnect(this);
    m_rawSockets.remove(QStringLiteral("qt"));
    socket->deleteLater();
    return leg;
}

std::pair<TransportBenchmark::Leg, TransportBenchmark::Leg>
TransportBenchmark::measureHost(HostKind kind, const HostOpener &opener)
{
    const QString name = hostKindName(kind);
    Leg raw{name, QStringLiteral("raw"), {}, {}};
    Leg protocol{name, QStringLiteral("protocol"), {}, {}};

    // Protocol host.
    const QString hostId = RuntimeServer::newHostId(kind);
    QString error;
    QEventLoop waitOpen;
    QMetaObject::Connection c =
        connect(m_server, &RuntimeServer::sessionOpened, &waitOpen, [&](HostSession *s) {
            if (s->id() == hostId) {
                waitOpen.quit();
            }
        });
    std::unique_ptr<QObject> protocolHost = opener(m_server->hostUrl(hostId, kind), &error);
    if (!protocolHost) {
        raw.error = protocol.error = error;
        return {raw, protocol};
    }
    QTimer::singleShot(m_options.connectTimeoutMs, &waitOpen, &QEventLoop::quit);
    if (!m_server->session(hostId)) {
        waitOpen.exec();
    }
    disconnect(c);
    HostSession *session = m_server->session(hostId);
    if (!session) {
        raw.error = protocol.error =
            QStringLiteral("%1 host did not connect within %2 ms").arg(name).arg(m_options.connectTimeoutMs);
        return {raw, protocol};
    }

    // Raw echo page on the same kind of host.
    const QString who = name + QStringLiteral("-raw");
    QUrl rawWs(QStringLiteral("ws://127.0.0.1:%1/").arg(m_raw->serverPort()));
    rawWs.setQuery(QStringLiteral("token=%1&who=%2").arg(m_rawToken, who));
    QUrlQuery echoQuery;
    echoQuery.addQueryItem(QStringLiteral("ws"), rawWs.toString());
    std::unique_ptr<QObject> rawHost =
        opener(m_server->pageUrl(QStringLiteral("echo.html"), echoQuery), &error);
    QWebSocket *rawSocket = rawHost ? waitForRawSocket(who, m_options.connectTimeoutMs) : nullptr;
    if (!rawSocket) {
        raw.error = rawHost ? QStringLiteral("%1 echo page did not connect").arg(name) : error;
    }

    std::function<void(const QByteArray &)> onRawEcho;
    std::function<void(const QByteArray &)> onProtocolEcho;
    if (rawSocket) {
        connect(rawSocket, &QWebSocket::binaryMessageReceived, this, [&onRawEcho](const QByteArray &b) {
            if (onRawEcho) {
                onRawEcho(b);
            }
        });
    }
    connect(session, &HostSession::resultReceived, this,
            [&onProtocolEcho](quint64, const hostproto::TensorFrame &frame) {
                if (onProtocolEcho) {
                    onProtocolEcho(frame.payload);
                }
            });
    const QList<quint32> shape{quint32(m_payload.size() / 4)};
    Echoer rawEchoer{[&] { return rawSocket->sendBinaryMessage(m_payload) > 0; },
                     [&](std::function<void(const QByteArray &)> f) { onRawEcho = std::move(f); },
                     [] {
                         return true;
                     }};
    Echoer protocolEchoer{[&] { return session->sendEcho(hostproto::DType::F32, shape, m_payload) != 0; },
                          [&](std::function<void(const QByteArray &)> f) { onProtocolEcho = std::move(f); },
                          [] {
                              return true;
                          }};
    QPointer<HostSession> guard(session);
    for (int r = 0; r < m_options.rounds; ++r) {
        if (rawSocket && raw.error.isEmpty()) {
            const Round round = runRound(rawEchoer, &raw.error);
            if (raw.error.isEmpty()) {
                raw.rounds.append(round);
            }
        }
        if (guard && protocol.error.isEmpty()) {
            const Round round = runRound(protocolEchoer, &protocol.error);
            if (protocol.error.isEmpty()) {
                protocol.rounds.append(round);
            }
        } else if (!guard && protocol.error.isEmpty()) {
            protocol.error = QStringLiteral("the host's session closed");
        }
    }
    if (guard) {
        guard->disconnect(this);
    }
    if (rawSocket) {
        rawSocket->disconnect(this);
        m_rawSockets.remove(who);
        rawSocket->deleteLater();
    }
    rawHost.reset();
    protocolHost.reset();
    return {raw, protocol};
}

} // namespace accel
