#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;

namespace accel {

/// Blocking HTTP/JSON client of the coordinator API, for accelctl and tests. Spins a local event
/// loop per request (do not use it from a thread whose event loop must not re-enter).
class ClusterClient
{
public:
    struct Reply
    {
        int status = 0; ///< HTTP status, 0 when no answer arrived
        QByteArray body;
        QString error; ///< transport error or the API's {"error": ...}
        QJsonDocument json() const { return QJsonDocument::fromJson(body); }
        bool ok() const { return status >= 200 && status < 300; }
    };

    ClusterClient(const QUrl &base, const QByteArray &token);
    ~ClusterClient();

    Reply get(const QString &path, int timeoutMs = 10000);
    Reply post(const QString &path, const QByteArray &body, int timeoutMs = 30000);

    /// Resolves the coordinator and token the way every accelctl command does: --coordinator /
    /// ACCEL_COORDINATOR (default http://127.0.0.1:7420), --token-file / ACCEL_TOKEN_FILE /
    /// ACCEL_TOKEN (default: the local coordinator's token file).
    static bool resolve(const QString &coordinatorArg, const QString &tokenFileArg, QUrl *url,
                        QByteArray *token, QString *error);

private:
    Reply send(const QByteArray &verb, const QString &path, const QByteArray &body, int timeoutMs);
    QUrl m_base;
    QByteArray m_token;
    QNetworkAccessManager *m_nam;
};

} // namespace accel
