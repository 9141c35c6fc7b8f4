#include "model/KernelCheckServer.h"

#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

namespace accel {

namespace {
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;

QByteArray contentTypeFor(const QString &path)
{
    if (path.endsWith(QLatin1String(".js"))) {
        return "text/javascript";
    }
    if (path.endsWith(QLatin1String(".html"))) {
        return "text/html; charset=utf-8";
    }
    if (path.endsWith(QLatin1String(".wasm"))) {
        return "application/wasm";
    }
    if (path.endsWith(QLatin1String(".json"))) {
        return "application/json";
    }
    return "text/plain; charset=utf-8";
}
} // namespace

KernelCheckServer::KernelCheckServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &KernelCheckServer::onNewConnection);
}

KernelCheckServer::~KernelCheckServer() = default;

bool KernelCheckServer::listen(ModelError *error)
{
    if (!m_server->listen(QHostAddress::LocalHost, 0)) {
        return fail(error, ModelErrorCode::Io,
                    QStringLiteral("kernel check server cannot listen: %1").arg(m_server->errorString()));
    }
    return true;
}

quint16 KernelCheckServer::port() const
{
    return m_server->serverPort();
}

QUrl KernelCheckServer::checkPageUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/runtime/compute/check.html").arg(port()));
}

void KernelCheckServer::setBlob(const QString &path, const QByteArray &bytes, const QByteArray &contentType)
{
    m_blobs.insert(path, {bytes, contentType});
}

void KernelCheckServer::clearBlobs()
{
    m_blobs.clear();
}

void KernelCheckServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void KernelCheckServer::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer.append(socket->readAll());
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buffer.size() > kMaxHeaderBytes) {
            respond(socket, 431, "header too large", "text/plain");
        }
        return;
    }
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3) {
        respond(socket, 400, "bad request line", "text/plain");
        return;
    }
    qint64 contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.toLower().startsWith("content-length:")) {
            bool ok = false;
            contentLength = line.mid(15).trimmed().toLongLong(&ok);
            if (!ok || contentLength < 0 || contentLength > kMaxBodyBytes) {
                respond(socket, 413, "bad content length", "text/plain");
                return;
            }
        }
    }
    if (buffer.size() - (headerEnd + 4) < contentLength) {
        return; // wait for the rest of the body
    }
    const QByteArray method = requestLine.at(0);
    QString path = QString::fromUtf8(requestLine.at(1));
    path = path.left(path.indexOf(QLatin1Char('?')) >= 0 ? path.indexOf(QLatin1Char('?')) : path.size());
    if (method == "POST") {
        const QByteArray body = buffer.mid(headerEnd + 4, contentLength);
        respond(socket, 200, "ok", "text/plain");
        Q_EMIT posted(path, body);
        return;
    }
    if (method != "GET") {
        respond(socket, 405, "method not allowed", "text/plain");
        return;
    }
    const auto blob = m_blobs.constFind(path);
    if (blob != m_blobs.constEnd()) {
        respond(socket, 200, blob->bytes, blob->contentType);
        return;
    }
    // Only the compiled-in runtime; ".." cannot escape a resource path but is refused anyway.
    if (path.startsWith(QLatin1String("/runtime/")) && !path.contains(QLatin1String(".."))) {
        QFile file(QLatin1Char(':') + path);
        if (file.open(QIODevice::ReadOnly)) {
            respond(socket, 200, file.readAll(), contentTypeFor(path));
            return;
        }
    }
    respond(socket, 404, "not found", "text/plain");
}

void KernelCheckServer::respond(QTcpSocket *socket, int status, const QByteArray &body,
                                const QByteArray &contentType)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + (status == 200 ? " OK" : " Error") + "\r\n";
    head += "Content-Type: " + contentType + "\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    head += "Cross-Origin-Opener-Policy: same-origin\r\n";
    head += "Cross-Origin-Embedder-Policy: require-corp\r\n";
    head += "Cross-Origin-Resource-Policy: same-origin\r\n";
    head += "Cache-Control: no-store\r\n";
    head += "Connection: close\r\n\r\n";
    socket->write(head);
    socket->write(body);
    socket->disconnectFromHost();
    m_buffers.remove(socket);
}

} // namespace accel
