// Embedded hosts as pages of one `accel-embedded-host --group` process (one profile, like tabs of
// one browser): each page has its own renderer, a killed renderer ends only its host, a stopped
// host closes its page, the helper's death ends every page, and the helper refuses bad commands.
#include "hosts/HostSession.h"
#include "hosts/RuntimeServer.h"
#include "pool/EmbeddedHostGroup.h"
#include "pool/EmbeddedProcessHostFactory.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <memory>

#include <signal.h>

using namespace accel;

class tst_EmbeddedHostGroup : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_factory =
            std::make_unique<EmbeddedProcessHostFactory>(EmbeddedProcessHostFactory::Sharing::OneBrowser);
        QString why;
        if (!m_factory->isAvailable(&why)) {
            QSKIP(qPrintable(why));
        }
        m_server = std::make_unique<RuntimeServer>();
        QVERIFY2(m_server->start(&why), qPrintable(why));
    }

    void cleanup()
    {
        m_instances.clear();
        m_factory.reset();
        m_server.reset();
    }

    void pagesHaveTheirOwnRenderers()
    {
        HostInstance *a = spawn();
        HostInstance *b = spawn();
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->session(a->hostId()) && m_server->session(b->hostId()), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(a->processId() > 0 && b->processId() > 0, 10000);
        QVERIFY(a->processId() != b->processId());
        QVERIFY(a->processId() != m_factory->groupProcessId());

        // A killed renderer is a tab crash: that host ends, the other goes on.
        QSignalSpy aExited(a, &HostInstance::exited);
        QSignalSpy bExited(b, &HostInstance::exited);
        QSignalSpy closed(m_server.get(), &RuntimeServer::sessionClosed);
        QCOMPARE(::kill(pid_t(a->processId()), SIGKILL), 0);
        QTRY_COMPARE_WITH_TIMEOUT(aExited.count(), 1, 15000);
        QCOMPARE(aExited.at(0).at(0).toBool(), true);
        QVERIFY2(aExited.at(0).at(1).toString().startsWith(QLatin1String("renderer")),
                 qPrintable(aExited.at(0).at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!m_server->session(a->hostId()), 15000);
        QTest::qWait(500);
        QCOMPARE(bExited.count(), 0);
        QVERIFY(m_server->session(b->hostId()) && m_server->session(b->hostId())->isReady());

        // A new page joins the same helper.
        HostInstance *c = spawn();
        QVERIFY(c);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->session(c->hostId()), 60000);

        // Stop: exited at once, the page unloads and its session ends.
        b->stop();
        QCOMPARE(bExited.count(), 1);
        QCOMPARE(bExited.at(0).at(0).toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(!m_server->session(b->hostId()), 15000);
        QVERIFY(m_server->session(c->hostId()));
    }

    void helperDeathEndsEveryPage()
    {
        HostInstance *a = spawn();
        HostInstance *b = spawn();
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->session(a->hostId()) && m_server->session(b->hostId()), 60000);
        QSignalSpy aExited(a, &HostInstance::exited);
        QSignalSpy bExited(b, &HostInstance::exited);
        QVERIFY(m_factory->groupProcessId() > 0);
        QCOMPARE(::kill(pid_t(m_factory->groupProcessId()), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(aExited.count() == 1 && bExited.count() == 1, 15000);
        QCOMPARE(aExited.at(0).at(0).toBool(), true);
        QVERIFY(aExited.at(0).at(1).toString().contains(QLatin1String("embedded host process ended")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_server->session(a->hostId()) && !m_server->session(b->hostId()), 15000);
        // The next spawn starts a new helper.
        HostInstance *c = spawn();
        QVERIFY(c);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->session(c->hostId()), 60000);
    }

    void helperRefusesBadCommands()
    {
        QProcess helper;
        helper.start(m_factory->program(), {QStringLiteral("--group")});
        QVERIFY(helper.waitForStarted(10000));
        helper.write("bogus command\n"
                     "open x ftp://127.0.0.1/host.html\n"
                     "open only-an-id\n"
                     "open y http://example.com/host.html\n"
                     "close nobody\n");
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += helper.readAllStandardOutput()).count('\n') >= 5, 30000);
        const QList<QByteArray> lines = out.trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QVERIFY(lines[0].startsWith("error unknown command"));
        QVERIFY(lines[1].startsWith("error open needs"));
        QVERIFY(lines[2].startsWith("error unknown command"));
        QVERIFY(lines[3].startsWith("error open needs"));
        QCOMPARE(lines[4], QByteArray("closed nobody"));
        helper.closeWriteChannel(); // the owner is gone: the helper ends
        QVERIFY(helper.waitForFinished(15000));
        QCOMPARE(helper.exitStatus(), QProcess::NormalExit);
        QCOMPARE(helper.exitCode(), 0);
    }

private:
    HostInstance *spawn()
    {
        const QString id = RuntimeServer::newHostId(HostKind::Embedded);
        QString error;
        HostInstance *instance =
            m_factory->spawn(id, m_server->hostUrl(id, HostKind::Embedded), this, &error);
        if (!instance) {
            qWarning() << error;
            return nullptr;
        }
        m_instances.emplace_back(instance);
        return instance;
    }

    std::unique_ptr<RuntimeServer> m_server;
    std::unique_ptr<EmbeddedProcessHostFactory> m_factory;
    std::vector<std::unique_ptr<HostInstance>> m_instances;
};

QTEST_GUILESS_MAIN(tst_EmbeddedHostGroup)
#include "tst_EmbeddedHostGroup.moc"
