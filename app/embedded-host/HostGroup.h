#pragma once

#include "common/LineBuffer.h"

#include <QObject>
#include <QString>

#include <map>
#include <memory>

class QSocketNotifier;
class QUrl;
class QWebEngineProfile;

namespace accel::ui {
class EmbeddedHost;
}

/// `accel-embedded-host --group`: several runtime pages in one QtWebEngine profile, like tabs of
/// one browser, so they can reach each other through the link broker (a SharedWorker is shared
/// per profile). Driven by lines on stdin, answered by lines on stdout (core/pool/EmbeddedHostGroup
/// is the other end):
///   open <hostId> <url>  ->  opened <hostId> <rendererPid>   (each time the page gets a renderer)
///   close <hostId>       ->  closed <hostId>
///   (a renderer dies)    ->  crashed <hostId> <status> <exitCode>
///   (a bad line)         ->  error <text>
/// Each page has its own renderer process: killing one is a tab crash, the others go on. The
/// process exits when stdin closes (its owner is gone).
class HostGroup : public QObject
{
    Q_OBJECT
public:
    explicit HostGroup(QObject *parent = nullptr);
    ~HostGroup() override;

    /// Handles one command line; exposed for the stdin reader.
    void handleLine(const QByteArray &line);

private:
    void onReadable();
    void open(const QString &hostId, const QString &urlText);
    void close(const QString &hostId);
    void say(const QByteArray &line);

    QWebEngineProfile *m_profile;
    QSocketNotifier *m_stdin;
    accel::LineBuffer m_buffer;
    std::map<QString, std::unique_ptr<accel::ui::EmbeddedHost>> m_hosts;
};

/// True for a loopback http URL (the only kind the helper opens).
bool isLoopbackHostUrl(const QUrl &url);
