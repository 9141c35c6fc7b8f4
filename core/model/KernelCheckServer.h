#pragma once

#include "model/ModelError.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace accel {

/// A minimal loopback HTTP/1.1 server for checking and benchmarking the compute kernels in a
/// browser: serves the runtime from :/runtime/ (so /runtime/compute/check.html), the job and its
/// data blobs registered with setBlob(), and reports every POST with posted(). Responses carry
/// COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer). Binds 127.0.0.1 only and
/// serves nothing but the runtime and the registered blobs. One connection per request.
/// Thread: the owner's (a QObject of the thread that listens).
class KernelCheckServer : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxBodyBytes = 512LL * 1024 * 1024;

    explicit KernelCheckServer(QObject *parent = nullptr);
    ~KernelCheckServer() override;

    bool listen(ModelError *error);
    quint16 port() const;
    /// http://127.0.0.1:PORT/runtime/compute/check.html
    QUrl checkPageUrl() const;

    /// Serves `bytes` at `path` (e.g. "/job.json") until replaced or cleared.
    void setBlob(const QString &path, const QByteArray &bytes, const QByteArray &contentType);
    void clearBlobs();

Q_SIGNALS:
    void posted(const QString &path, const QByteArray &body);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket, int status, const QByteArray &body, const QByteArray &contentType);

    struct Blob
    {
        QByteArray bytes;
        QByteArray contentType;
    };
    QTcpServer *m_server;
    QHash<QString, Blob> m_blobs;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace accel
