// `accelctl etcd members|member-add|member-remove` (EtcdMembership) against a real 3-member etcd
// cluster on loopback, run as the real accelctl process. A 4th member is added, started as a real
// etcd with --initial-cluster-state existing, catches up (its applied index reaches the others'),
// and is removed again. A member-add while a member is down is refused by etcd ("unhealthy
// cluster") and retried until the member is back. Bad ids, names and arguments give clear errors
// and the documented exit codes. Every etcd process is killed when the test ends, also on failure.
#include "cluster/etcd/EtcdBlockingClient.h"
#include "cluster/etcd/EtcdCodec.h"
#include "cluster/etcd/EtcdMembership.h"
#include "cluster/etcd/EtcdProcessCluster.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

#include <memory>

namespace {

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QString accelctl()
{
    return qEnvironmentVariable("ACCEL_BUILD_DIR") + QStringLiteral("/app/accelctl/accelctl");
}

} // namespace

class tst_EtcdMembership : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<accel::EtcdProcessCluster> m_etcd;

    QString endpoints() const
    {
        // Only the three original members: the 4th comes and goes.
        return m_etcd->clientUrls().mid(0, 3).join(QLatin1Char(','));
    }

    static CliResult run(const QStringList &args, int timeoutMs = 60000)
    {
        QProcess p;
        p.start(accelctl(), args);
        CliResult r;
        if (!p.waitForStarted(10000)) {
            return r;
        }
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished(5000);
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    QJsonArray members()
    {
        const CliResult r = run({QStringLiteral("etcd"), QStringLiteral("members"), QStringLiteral("--json"),
                                 QStringLiteral("--etcd-endpoints"), endpoints(), QStringLiteral("--timeout"),
                                 QStringLiteral("10")});
        if (r.exitCode != 0) {
            qWarning() << "members failed:" << r.exitCode << r.err;
            return {};
        }
        return QJsonDocument::fromJson(r.out).array();
    }

    static QJsonObject byName(const QJsonArray &list, const QString &name)
    {
        for (const QJsonValue &v : list) {
            if (v.toObject().value(QStringLiteral("name")).toString() == name) {
                return v.toObject();
            }
        }
        return {};
    }

    static int leaders(const QJsonArray &list)
    {
        int n = 0;
        for (const QJsonValue &v : list) {
            n += v.toObject().value(QStringLiteral("leader")).toBool() ? 1 : 0;
        }
        return n;
    }

    /// Writes `count` keys so a joining member has a log to catch up on.
    bool writeKeys(int count)
    {
        accel::EtcdBlockingClient client(m_etcd->clientUrls().mid(0, 3));
        for (int i = 0; i < count; ++i) {
            accel::EtcdPutRequest put;
            put.key = QByteArrayLiteral("/membership-test/k") + QByteArray::number(i);
            put.value = QByteArray(512, 'x');
            if (!client.post(QStringLiteral("/v3/kv/put"), accel::EtcdCodec::encodePut(put), false).ok()) {
                return false;
            }
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (accel::EtcdProcessCluster::findEtcd().isEmpty()) {
            QSKIP("etcd is not installed (Debian: etcd-server)");
        }
        QVERIFY2(QFile::exists(accelctl()), qPrintable(accelctl()));
        accel::EtcdProcessCluster::Options options;
        options.members = 3;
        m_etcd = std::make_unique<accel::EtcdProcessCluster>(options);
        QString error;
        QVERIFY2(m_etcd->start(&error), qPrintable(error));
    }

    void cleanupTestCase() { m_etcd.reset(); }

    void listsThreeMembersWithOneLeader()
    {
        QJsonArray list;
        QTRY_VERIFY_WITH_TIMEOUT((list = members()).size() == 3 && leaders(list) == 1, 15000);
        for (int i = 0; i < 3; ++i) {
            const QJsonObject m = byName(list, m_etcd->name(i));
            QVERIFY2(!m.isEmpty(), qPrintable(m_etcd->name(i)));
            QCOMPARE(m.value(QStringLiteral("id")).toString(),
                     accel::EtcdMembership::formatMemberId(m_etcd->memberId(i)));
            QCOMPARE(m.value(QStringLiteral("clientUrls")).toArray().first().toString(),
                     m_etcd->clientUrl(i));
            QCOMPARE(m.value(QStringLiteral("peerUrls")).toArray().first().toString(), m_etcd->peerUrl(i));
            QCOMPARE(m.value(QStringLiteral("learner")).toBool(), false);
            QVERIFY(m.value(QStringLiteral("raftTerm")).toDouble() >= 1);
            QVERIFY(m.value(QStringLiteral("raftIndex")).toDouble() >= 1);
            QVERIFY(m.value(QStringLiteral("raftAppliedIndex")).toDouble() >= 1);
            QVERIFY(m.value(QStringLiteral("dbSizeBytes")).toDouble() > 0);
        }
        // The leader flag names the member every status names.
        const int leaderIndex = m_etcd->leaderIndex();
        QVERIFY(leaderIndex >= 0);
        QCOMPARE(byName(list, m_etcd->name(leaderIndex)).value(QStringLiteral("leader")).toBool(), true);

        // The table form has a header and one line per member.
        const CliResult table = run({QStringLiteral("etcd"), QStringLiteral("members"),
                                     QStringLiteral("--etcd-endpoints"), endpoints()});
        QCOMPARE(table.exitCode, 0);
        const QList<QByteArray> lines = table.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines[0].startsWith("ID"));
        QVERIFY(lines[0].contains("RAFT TERM") && lines[0].contains("APPLIED") &&
                lines[0].contains("DB SIZE"));
        QCOMPARE(table.out.count('*'), 1); // one leader
    }

    void addedMemberJoinsCatchesUpAndIsRemoved()
    {
        QVERIFY(writeKeys(200));
        QString error;
        const int fourth = m_etcd->reserveMember(&error);
        QVERIFY2(fourth == 3, qPrintable(error));
        const CliResult add =
            run({QStringLiteral("etcd"), QStringLiteral("member-add"), QStringLiteral("--peer-url"),
                 m_etcd->peerUrl(fourth), QStringLiteral("--name"), m_etcd->name(fourth),
                 QStringLiteral("--json"), QStringLiteral("--etcd-endpoints"), endpoints()});
        QVERIFY2(add.exitCode == 0, add.err.constData());
        const QJsonObject added = QJsonDocument::fromJson(add.out).object();
        const QString id = added.value(QStringLiteral("id")).toString();
        QVERIFY(accel::EtcdMembership::parseMemberId(id).has_value());
        const QString initialCluster = added.value(QStringLiteral("initialCluster")).toString();
        for (int i = 0; i < 4; ++i) {
            QVERIFY2(initialCluster.contains(m_etcd->name(i) + QLatin1Char('=') + m_etcd->peerUrl(i)),
                     qPrintable(initialCluster));
        }
        // Added but not started: listed without a name or status.
        QJsonArray list = members();
        QCOMPARE(list.size(), 4);

        QVERIFY2(m_etcd->startJoining(fourth, initialCluster, &error), qPrintable(error));
        QCOMPARE(accel::EtcdMembership::formatMemberId(m_etcd->memberId(fourth)), id);
        // It catches up: its applied index reaches the others' (no writes meanwhile).
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                list = members();
                const QJsonObject mine = byName(list, m_etcd->name(fourth));
                if (list.size() != 4 || mine.isEmpty() || leaders(list) != 1) {
                    return false;
                }
                double othersMax = 0;
                for (int i = 0; i < 3; ++i) {
                    othersMax = qMax(
                        othersMax,
                        byName(list, m_etcd->name(i)).value(QStringLiteral("raftAppliedIndex")).toDouble());
                }
                return othersMax > 0 &&
                       mine.value(QStringLiteral("raftAppliedIndex")).toDouble() >= othersMax;
            }(),
            20000);
        // Its data is there: a serializable read from the new member alone.
        accel::EtcdBlockingClient fourthOnly({m_etcd->clientUrl(fourth)});
        accel::EtcdRangeRequest read;
        read.key = QByteArrayLiteral("/membership-test/k199");
        read.serializable = true;
        const auto raw =
            fourthOnly.post(QStringLiteral("/v3/kv/range"), accel::EtcdCodec::encodeRange(read), true);
        QVERIFY2(raw.ok(), qPrintable(raw.ok() ? QString() : raw.error().toString()));
        QCOMPARE(accel::EtcdCodec::decodeRange(raw.value()).value().kvs.size(), 1);

        // Removed by name: the membership is three again and the removed etcd shuts itself down.
        const CliResult removed =
            run({QStringLiteral("etcd"), QStringLiteral("member-remove"), m_etcd->name(fourth),
                 QStringLiteral("--etcd-endpoints"), endpoints()});
        QVERIFY2(removed.exitCode == 0, removed.err.constData());
        QVERIFY(removed.out.contains(id.toUtf8()));
        QTRY_COMPARE_WITH_TIMEOUT(members().size(), 3, 10000);
        QVERIFY(byName(members(), m_etcd->name(fourth)).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!m_etcd->isRunning(fourth), 15000);
    }

    void addIsRetriedWhileTheClusterIsUnhealthy()
    {
        // With one of three members down, adding a 4th would leave 2 started of 4 (< quorum 3):
        // etcd refuses ("unhealthy cluster") until the member is back.
        const int down = (m_etcd->leaderIndex() + 1) % 3;
        m_etcd->kill(down);
        auto restore = qScopeGuard([&] {
            if (!m_etcd->isRunning(down)) {
                QString ignored;
                m_etcd->restart(down, &ignored);
            }
        });
        QString error;
        const int extra = m_etcd->reserveMember(&error);
        QVERIFY2(extra >= 0, qPrintable(error));
        QProcess cli;
        cli.start(accelctl(),
                  {QStringLiteral("etcd"), QStringLiteral("member-add"), QStringLiteral("--peer-url"),
                   m_etcd->peerUrl(extra), QStringLiteral("--json"), QStringLiteral("--timeout"),
                   QStringLiteral("40"), QStringLiteral("--etcd-endpoints"), endpoints()});
        QVERIFY(cli.waitForStarted(10000));
        auto stopCli = qScopeGuard([&] {
            if (cli.state() != QProcess::NotRunning) {
                cli.kill();
                cli.waitForFinished(5000);
            }
        });
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += cli.readAllStandardError()).contains("retrying in"), 20000);
        QVERIFY2(err.contains("unhealthy") || err.contains("started members") || err.contains("NoQuorum"),
                 err.constData());
        QCOMPARE(cli.state(), QProcess::Running);
        QVERIFY2(m_etcd->restart(down, &error), qPrintable(error));
        QVERIFY(cli.waitForFinished(45000));
        err += cli.readAllStandardError();
        QVERIFY2(cli.exitCode() == 0, err.constData());
        const QJsonObject added = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QVERIFY(added.value(QStringLiteral("attempts")).toInt() > 1);
        const QString id = added.value(QStringLiteral("id")).toString();
        // Unnamed: the name to start it with is derived from the id.
        QCOMPARE(added.value(QStringLiteral("name")).toString(), QStringLiteral("member-") + id);
        QCOMPARE(members().size(), 4);

        // Never started: removed again by id (a quorum of the 3 started members remains).
        const CliResult removed =
            run({QStringLiteral("etcd"), QStringLiteral("member-remove"), id, QStringLiteral("--json"),
                 QStringLiteral("--etcd-endpoints"), endpoints()});
        QVERIFY2(removed.exitCode == 0, removed.err.constData());
        QCOMPARE(QJsonDocument::fromJson(removed.out).object().value(QStringLiteral("members")).toInt(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(members().size(), 3, 10000);
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown id") << QStringList{QStringLiteral("member-remove"),
                                                   QStringLiteral("deadbeef")}
                                    << 1 << QStringLiteral("no etcd member with id or name 'deadbeef'");
        QTest::newRow("unknown name") << QStringList{QStringLiteral("member-remove"), QStringLiteral("e9")}
                                      << 1 << QStringLiteral("no etcd member with id or name 'e9'");
        QTest::newRow("remove without id") << QStringList{QStringLiteral("member-remove")} << 2
                                           << QStringLiteral("needs exactly one member");
        QTest::newRow("add without peer url")
            << QStringList{QStringLiteral("member-add")} << 2 << QStringLiteral("needs --peer-url");
        QTest::newRow("add with bad peer url")
            << QStringList{QStringLiteral("member-add"), QStringLiteral("--peer-url"),
                           QStringLiteral("ftp://x")}
            << 2 << QStringLiteral("not of the form http://host:port");
        QTest::newRow("unknown subcommand")
            << QStringList{QStringLiteral("frobnicate")} << 2 << QStringLiteral("unknown subcommand");
        QTest::newRow("bad timeout") << QStringList{QStringLiteral("members"), QStringLiteral("--timeout"),
                                                    QStringLiteral("zero")}
                                     << 2 << QStringLiteral("--timeout wants");
        QTest::newRow("existing peer url")
            << QStringList{QStringLiteral("member-add"), QStringLiteral("--peer-url"),
                           QStringLiteral("@peer0")}
            << 1 << QStringLiteral("already exists");
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        args.replaceInStrings(QStringLiteral("@peer0"), m_etcd->peerUrl(0));
        const CliResult r = run(QStringList{QStringLiteral("etcd")} + args +
                                QStringList{QStringLiteral("--etcd-endpoints"), endpoints()});
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QCOMPARE(members().size(), 3); // nothing changed
    }

    void unreachableEtcdFailsClearlyAfterTheTimeout()
    {
        // A port nobody listens on (the 4th member was removed and is gone).
        const QString dead = m_etcd->clientUrl(3);
        QVERIFY(!m_etcd->isRunning(3));
        QElapsedTimer t;
        t.start();
        const CliResult r =
            run({QStringLiteral("etcd"), QStringLiteral("members"), QStringLiteral("--etcd-endpoints"), dead,
                 QStringLiteral("--timeout"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Unreachable") || r.err.contains("Timeout"), r.err.constData());
        QVERIFY2(t.elapsed() < 15000, "the --timeout bounds the retries");
    }
};

QTEST_GUILESS_MAIN(tst_EtcdMembership)
#include "tst_EtcdMembership.moc"
