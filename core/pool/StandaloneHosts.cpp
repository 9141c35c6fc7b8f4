#include "pool/StandaloneHosts.h"

#include "common/EventWait.h"
#include "hosts/RuntimeServer.h"
#include "pool/BrowserHostFactory.h"
#include "pool/EmbeddedProcessHostFactory.h"
#include "pool/HostFactory.h"

#include <QCoreApplication>

namespace accel {

std::unique_ptr<HostFactory> makeStandaloneHostFactory(HostKind kind)
{
    if (kind == HostKind::Embedded) {
        return std::make_unique<EmbeddedProcessHostFactory>();
    }
    return std::make_unique<BrowserHostFactory>(kind);
}

StandaloneHosts::StandaloneHosts(RuntimeServer *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{}

StandaloneHosts::~StandaloneHosts()
{
    stopAll();
}

HostFactory *StandaloneHosts::oneBrowserFactory()
{
    if (!m_oneBrowser) {
        m_oneBrowser =
            std::make_unique<EmbeddedProcessHostFactory>(EmbeddedProcessHostFactory::Sharing::OneBrowser);
    }
    return m_oneBrowser.get();
}

bool StandaloneHosts::isAvailable(HostKind kind, QString *whyNot)
{
    return makeStandaloneHostFactory(kind)->isAvailable(whyNot);
}

QString StandaloneHosts::launch(HostKind kind, int timeoutMs, QString *error)
{
    // A host of its own process needs nothing from its factory once spawned; shared ones do.
    std::unique_ptr<HostFactory> own;
    HostFactory *factory = kind == HostKind::Embedded && m_embeddedInOneBrowser
                               ? oneBrowserFactory()
                               : (own = makeStandaloneHostFactory(kind)).get();
    if (!factory->isAvailable(error)) {
        return {};
    }
    const QString hostId = RuntimeServer::newHostId(kind);
    HostInstance *instance = factory->spawn(hostId, m_server->hostUrl(hostId, kind), this, error);
    if (!instance) {
        return {};
    }
    m_instances.insert(hostId, instance);
    m_order.append(hostId);
    waitInEventLoop([this, &hostId] { return m_server->session(hostId) != nullptr; }, timeoutMs);
    if (!m_server->session(hostId)) {
        if (error) {
            *error = QStringLiteral("the %1 host did not connect within %2 ms")
                         .arg(hostKindName(kind))
                         .arg(timeoutMs);
        }
        stop(hostId);
        return {};
    }
    return hostId;
}

HostSession *StandaloneHosts::session(const QString &hostId) const
{
    return m_server->session(hostId);
}

HostInstance *StandaloneHosts::instance(const QString &hostId) const
{
    return m_instances.value(hostId);
}

void StandaloneHosts::stop(const QString &hostId)
{
    HostInstance *instance = m_instances.take(hostId);
    m_order.removeAll(hostId);
    if (instance) {
        instance->stop();
        delete instance;
    }
}

void StandaloneHosts::stopAll()
{
    const QStringList ids = m_order;
    for (const QString &id : ids) {
        stop(id);
    }
}

} // namespace accel
