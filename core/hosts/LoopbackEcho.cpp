#include "hosts/LoopbackEcho.h"

#include "common/EventWait.h"
#include "common/LogCategories.h"

#include <QElapsedTimer>
#include <QThread>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <vector>

namespace accel {

/// Lives on the echo thread: answers every binary message with the same bytes.
class LoopbackEcho::Server : public QObject
{
public:
    QWebSocketServer *server = nullptr;

    quint16 listen()
    {
        server = new QWebSocketServer(QStringLiteral("echo"), QWebSocketServer::NonSecureMode, this);
        if (!server->listen(QHostAddress::LocalHost, 0)) {
            return 0;
        }
        connect(server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = server->nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QWebSocket::binaryMessageReceived, s,
                        [s](const QByteArray &bytes) { s->sendBinaryMessage(bytes); });
                connect(s, &QWebSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        return server->serverPort();
    }
};

LoopbackEcho::LoopbackEcho(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
{
    m_server = new Server;
    m_server->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(
        m_server, [this] { m_port = m_server->listen(); }, Qt::BlockingQueuedConnection);
}

LoopbackEcho::~LoopbackEcho()
{
    QMetaObject::invokeMethod(
        m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

double LoopbackEcho::roundTripMs(int bytes, int count, int idleGapMs)
{
    if (m_port == 0) {
        qCWarning(lcHosts) << "loopback echo: the echo server is not listening";
        return 0;
    }
    QWebSocket client;
    bool open = false;
    connect(&client, &QWebSocket::connected, this, [&open] { open = true; });
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_port)));
    if (!waitInEventLoop([&open] { return open; }, 5000)) {
        return 0;
    }
    bool answered = false;
    connect(&client, &QWebSocket::binaryMessageReceived, this, [&answered] { answered = true; });
    const QByteArray message(bytes, 1);
    std::vector<double> ms;
    for (int i = 0; i < count + 3; ++i) {
        if (idleGapMs > 0) {
            runEventLoopFor(idleGapMs);
        }
        answered = false;
        QElapsedTimer timer;
        timer.start();
        client.sendBinaryMessage(message);
        if (!waitInEventLoop([&answered] { return answered; }, 5000)) {
            return 0;
        }
        if (i >= 3) {
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
    }
    std::sort(ms.begin(), ms.end());
    return ms.empty() ? 0 : ms[ms.size() / 2];
}

} // namespace accel
