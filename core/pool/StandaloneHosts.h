#pragma once

#include "hosts/HostKind.h"

#include <QHash>
#include <QObject>

#include <memory>

namespace accel {

class HostFactory;
class HostInstance;
class HostSession;
class RuntimeServer;

/// Hosts of any kind started against a RuntimeServer without a pool: for command-line tools,
/// benchmarks and tests. Embedded hosts run in the accel-embedded-host helper process
/// (EmbeddedProcessHostFactory), browsers through BrowserHostFactory. Every host is stopped on
/// stop()/stopAll() or destruction.
class StandaloneHosts : public QObject
{
    Q_OBJECT
public:
    explicit StandaloneHosts(RuntimeServer *server, QObject *parent = nullptr);
    ~StandaloneHosts() override;

    /// False with the reason when this machine cannot start `kind` (browser not installed).
    static bool isAvailable(HostKind kind, QString *whyNot = nullptr);
    /// Starts a host and waits (nested event loop) until it said hello. Returns its id, or an
    /// empty string with `error`.
    QString launch(HostKind kind, int timeoutMs, QString *error);
    /// Embedded hosts launched after this call are pages of one helper process and profile (like
    /// tabs of one browser: pipeline stages on them hand activations page to page), instead of a
    /// helper process each. Off by default.
    void setEmbeddedInOneBrowser(bool on) { m_embeddedInOneBrowser = on; }
    HostSession *session(const QString &hostId) const;
    HostInstance *instance(const QString &hostId) const;
    QStringList hostIds() const { return m_order; }
    void stop(const QString &hostId);
    void stopAll();

private:
    HostFactory *oneBrowserFactory();

    RuntimeServer *m_server;
    bool m_embeddedInOneBrowser = false;
    std::unique_ptr<HostFactory> m_oneBrowser; ///< the shared embedded factory, once used
    QHash<QString, HostInstance *> m_instances;
    QStringList m_order;
};

std::unique_ptr<HostFactory> makeStandaloneHostFactory(HostKind kind);

} // namespace accel
