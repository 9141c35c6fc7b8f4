#include "HostGroup.h"

#include "hosts/EmbeddedHost.h"
#include "hosts/EmbeddedHostPage.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QUrl>
#include <QWebEngineProfile>

#include <unistd.h>

namespace {
constexpr qsizetype kMaxLineBytes = 8192;
} // namespace

bool isLoopbackHostUrl(const QUrl &url)
{
    return url.isValid() && url.scheme() == QLatin1String("http") &&
           (url.host() == QLatin1String("127.0.0.1") || url.host() == QLatin1String("localhost"));
}

HostGroup::HostGroup(QObject *parent)
    : QObject(parent)
    // One off-the-record profile for every page: nothing on disk, one link broker for all.
    , m_profile(new QWebEngineProfile(this))
    , m_stdin(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
    , m_buffer(kMaxLineBytes)
{
    m_profile->setHttpCacheType(QWebEngineProfile::NoCache);
    m_profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    connect(m_stdin, &QSocketNotifier::activated, this, &HostGroup::onReadable);
}

HostGroup::~HostGroup()
{
    m_hosts.clear(); // pages before their profile
}

void HostGroup::say(const QByteArray &line)
{
    const QByteArray out = line + '\n';
    qsizetype written = 0;
    while (written < out.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, out.constData() + written, size_t(out.size() - written));
        if (n <= 0) {
            return; // the owner is gone; stdin's end will stop us
        }
        written += n;
    }
}

void HostGroup::onReadable()
{
    char chunk[4096];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n <= 0) { // the owner closed its end (or died)
        m_stdin->setEnabled(false);
        QCoreApplication::exit(0);
        return;
    }
    m_buffer.append(chunk, qsizetype(n));
    for (const QByteArray &line : m_buffer.takeLines()) {
        handleLine(line);
    }
    if (m_buffer.overflowed()) {
        say("error command line too long");
    }
}

void HostGroup::handleLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.trimmed().split(' ');
    const QByteArray verb = parts.value(0);
    if (verb == "open" && parts.size() == 3) {
        open(QString::fromUtf8(parts[1]), QString::fromUtf8(parts[2]));
    } else if (verb == "close" && parts.size() == 2) {
        close(QString::fromUtf8(parts[1]));
    } else if (!verb.isEmpty()) {
        say("error unknown command: " + line.left(200));
    }
}

void HostGroup::open(const QString &hostId, const QString &urlText)
{
    const QUrl url(urlText);
    if (hostId.isEmpty() || hostId.size() > 64 || !isLoopbackHostUrl(url)) {
        say("error open needs a host id and a loopback http URL");
        return;
    }
    if (m_hosts.count(hostId) != 0) {
        say("error host " + hostId.toUtf8() + " is already open");
        return;
    }
    auto host = std::make_unique<accel::ui::EmbeddedHost>(url, m_profile);
    connect(host.get(), &accel::ui::EmbeddedHost::crashed, this,
            [this, hostId](const QString &status, int code) {
                say("crashed " + hostId.toUtf8() + ' ' + status.toUtf8().replace(' ', '_') + ' ' +
                    QByteArray::number(code));
                const auto it = m_hosts.find(hostId);
                if (it != m_hosts.end()) {
                    it->second.release()->deleteLater(); // not from inside its own signal
                    m_hosts.erase(it);
                }
            });
    // The renderer can change while the page loads (a cross-origin-isolated page gets a process
    // of its own): every new pid is reported, the last one is the page's.
    connect(host->page(), &QWebEnginePage::renderProcessPidChanged, this, [this, hostId](qint64 pid) {
        if (pid > 0) {
            say("opened " + hostId.toUtf8() + ' ' + QByteArray::number(pid));
        }
    });
    host->start();
    m_hosts.emplace(hostId, std::move(host));
}

void HostGroup::close(const QString &hostId)
{
    const auto it = m_hosts.find(hostId);
    if (it != m_hosts.end()) {
        it->second->stop(); // the page says goodbye as it unloads
        it->second.release()->deleteLater();
        m_hosts.erase(it);
    }
    say("closed " + hostId.toUtf8());
}
