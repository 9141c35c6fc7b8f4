#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QList>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;

namespace accel {

/// Blocking HTTP/JSON client of the coordinator API, for accelctl and tests. Spins a local event
/// loop per request (do not use it from a thread whose event loop must not re-enter).
///
/// Redundant coordinators: given several URLs it follows a follower's 307 to the leader (at most
/// 4 hops, Authorization kept) and moves on to the next URL when one is unreachable or answers
/// 503 (no leader known there). A POST moves on only when it certainly was not processed
/// (connection refused, 503, 307), so a suite is never submitted twice. The URL that answered
/// stays the first choice for the next request.
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
    ClusterClient(const QList<QUrl> &bases, const QByteArray &token);
    /// The coordinator the next request goes to first.
    QUrl currentBase() const { return m_bases.value(m_current); }
    ~ClusterClient();

    Reply get(const QString &path, int timeoutMs = 10000);
    Reply post(const QString &path, const QByteArray &body, int timeoutMs = 30000);

    /// Resolves the coordinator and token the way every accelctl command does: --coordinator /
    /// ACCEL_COORDINATOR (default http://127.0.0.1:7420), --token-file / ACCEL_TOKEN_FILE /
    /// ACCEL_TOKEN (default: the local coordinator's token file).
    static bool resolve(const QString &coordinatorArg, const QString &tokenFileArg, QUrl *url,
                        QByteArray *token, QString *error);
    /// Same, for a comma-separated list of coordinator URLs.
    static bool resolve(const QString &coordinatorArg, const QString &tokenFileArg, QList<QUrl> *urls,
                        QByteArray *token, QString *error);

private:
    struct Attempt
    {
        Reply reply;
        QByteArray location;
        bool refused = false; ///< nothing was sent: safe to try elsewhere
    };
    Reply send(const QByteArray &verb, const QString &path, const QByteArray &body, int timeoutMs);
    Attempt sendOnce(const QUrl &base, const QByteArray &verb, const QString &path, const QByteArray &body,
                     int timeoutMs);
    QList<QUrl> m_bases;
    int m_current = 0;
    QByteArray m_token;
    QNetworkAccessManager *m_nam;
};

} // namespace accel
