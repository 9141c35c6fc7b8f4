#pragma once
// Shared by tst_RuntimeServer and tst_RuntimeServerData: a Qt WebSocket client playing the page
// and the URLs of the server's two ports.
#include "common/Clock.h"
#include "hosts/HostProtocol.h"
#include "hosts/RuntimeServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

#include <memory>

namespace accel::runtimetest {

using namespace accel::hostproto;

// A protocol client on a real socket: records what the server says.
class Client : public QObject
{
public:
    explicit Client(const QString &origin)
        : socket(origin)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this,
                [this](const QString &t) { texts.append(t); });
        connect(&socket, &QWebSocket::binaryMessageReceived, this,
                [this](const QByteArray &b) { binaries.append(b); });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closed = true; });
    }
    bool open(const QUrl &url)
    {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        return connected.wait(5000);
    }
    void sendJson(const QByteArray &json) { socket.sendTextMessage(QString::fromUtf8(json)); }
    void hello(const QString &hostId, int version = kVersion)
    {
        sendJson(QJsonDocument(QJsonObject{{QStringLiteral("v"), version},
                                           {QStringLiteral("type"), QStringLiteral("hello")},
                                           {QStringLiteral("hostId"), hostId},
                                           {QStringLiteral("capabilities"),
                                            QJsonObject{{QStringLiteral("userAgent"),
                                                         QStringLiteral("tst_RuntimeServer")},
                                                        {QStringLiteral("hardwareConcurrency"), 2}}}})
                     .toJson(QJsonDocument::Compact));
    }
    // The codes of the error messages received so far.
    QStringList errorCodes() const
    {
        QStringList codes;
        for (const QString &t : texts) {
            const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
            if (o.value(QLatin1String("type")).toString() == QLatin1String("error")) {
                codes.append(o.value(QLatin1String("code")).toString());
            }
        }
        return codes;
    }
    bool sawType(const QString &type) const
    {
        for (const QString &t : texts) {
            if (QJsonDocument::fromJson(t.toUtf8()).object().value(QLatin1String("type")).toString() ==
                type) {
                return true;
            }
        }
        return false;
    }

    QWebSocket socket;
    QStringList texts;
    QList<QByteArray> binaries;
    bool closed = false;
};

inline QUrl wsUrl(const RuntimeServer &server, const QString &token,
                  const QString &host = QStringLiteral("test-1"),
                  const QString &kind = QStringLiteral("chromium"),
                  const QString &path = QStringLiteral("/ws"))
{
    QUrl url(QStringLiteral("ws://127.0.0.1:%1%2").arg(server.port()).arg(path));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("token"), token);
    q.addQueryItem(QStringLiteral("host"), host);
    q.addQueryItem(QStringLiteral("kind"), kind);
    url.setQuery(q);
    return url;
}

// The welcome's dataKey (empty if none was received).
inline QString welcomeDataKey(const Client &c)
{
    for (const QString &t : c.texts) {
        const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
        if (o.value(QLatin1String("type")).toString() == QLatin1String("welcome")) {
            return o.value(QLatin1String("dataKey")).toString();
        }
    }
    return {};
}

// A data connection URL: ws://127.0.0.1:<dataPort>/<path>?host=…&key=…
inline QUrl dataUrl(const RuntimeServer &server, const QString &host, const QString &key,
                    const QString &path = QStringLiteral("data"))
{
    QUrl url(QStringLiteral("ws://127.0.0.1/") + path);
    url.setPort(server.dataPort());
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("host"), host);
    q.addQueryItem(QStringLiteral("key"), key);
    url.setQuery(q);
    return url;
}

inline QByteArray resultFor(const QByteArray &activation)
{
    auto frame = std::get<TensorFrame>(decodeFrame(activation));
    frame.kind = FrameKind::Result;
    return std::get<QByteArray>(encodeFrame(frame));
}

/// The server both tests start on `clock`: 1 MiB frames, 3 s heartbeat timeout, 2 s hello
/// timeout. Null (with `error`) when it cannot listen.
inline std::unique_ptr<RuntimeServer> startTestServer(const Clock *clock, QString *error)
{
    RuntimeServerConfig config;
    config.limits.maxFrameBytes = 1024 * 1024 + 64;
    config.heartbeatTimeoutMs = 3000;
    config.helloTimeoutMs = 2000;
    auto server = std::make_unique<RuntimeServer>(config, clock);
    return server->start(error) ? std::move(server) : nullptr;
}

/// Opens `c` as page `hostId` and waits for the welcome (the session is Ready by then).
inline bool welcomed(Client &c, const RuntimeServer &server, const QString &hostId)
{
    if (!c.open(wsUrl(server, server.token(), hostId))) {
        return false;
    }
    c.hello(hostId);
    return QTest::qWaitFor([&c] { return !welcomeDataKey(c).isEmpty(); }, 5000);
}

} // namespace accel::runtimetest
