#pragma once

#include "hosts/HostKind.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

class QWebSocket;
class QWebSocketServer;

namespace accel {

class RuntimeServer;

/// `accelctl bench transport`: round-trip throughput of tensor frames between the app and a
/// host, measured side by side in one run:
/// - "protocol": host.html answering Echo frames through the host protocol (HostSession);
/// - "raw": the same kind of host running echo.html on a plain WebSocket (no header, no codec);
/// - "qt-client": a QWebSocket echo client inside this process (the loopback ceiling).
/// Rounds of raw and protocol alternate so both see the same machine load; medians are reported.
class TransportBenchmark : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 frameBytes = 1024 * 1024;
        int framesPerRound = 64;
        int window = 4; // frames in flight
        int rounds = 5;
        int connectTimeoutMs = 45000;
        int roundTimeoutMs = 60000;
    };
    struct Round
    {
        int frames = 0;
        qint64 bytes = 0; // payload bytes echoed (each counted once)
        double seconds = 0;
        double mibPerSecond() const { return seconds > 0 ? double(bytes) / (1024.0 * 1024.0) / seconds : 0; }
    };
    struct Leg
    {
        QString host; // "embedded", "chromium", "qt"
        QString mode; // "protocol", "raw", "qt-client"
        QList<Round> rounds;
        QString error; // set when the leg could not run
        double medianMiBPerSecond() const;
    };
    /// Opens `url` in a host; the returned object owns the host and closes it when deleted.
    using HostOpener = std::function<std::unique_ptr<QObject>(const QUrl &url, QString *error)>;

    explicit TransportBenchmark(Options options, QObject *parent = nullptr);
    ~TransportBenchmark() override;

    bool start(QString *error);
    /// The Qt echo client leg.
    Leg measureQtClient();
    /// Raw and protocol legs for one host kind, rounds interleaved. Returns {raw, protocol}.
    std::pair<Leg, Leg> measureHost(HostKind kind, const HostOpener &opener);

    RuntimeServer *server() const { return m_server; }

private:
    struct Echoer;
    Round runRound(Echoer &echoer, QString *error);
    QWebSocket *waitForRawSocket(const QString &who, int timeoutMs);

    Options m_options;
    RuntimeServer *m_server = nullptr;
    QWebSocketServer *m_raw = nullptr;
    QString m_rawToken;
    QHash<QString, QWebSocket *> m_rawSockets;
    QByteArray m_payload;
};

} // namespace accel
