// BrowserLauncher's pure parts (flags, user.js, discovery) and BrowserProcess's process-group
// handling with real processes (/bin/sleep; no browser: label unit).
#include "hosts/BrowserLauncher.h"
#include "hosts/BrowserProcess.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>
#include <unistd.h>

using namespace accel;

Q_DECLARE_METATYPE(accel::HostKind)

namespace {

bool processAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) {
        return false;
    }
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2, 1) != "Z";
}

// Pids of the live members of process group `pgid`.
QList<qint64> groupMembers(qint64 pgid)
{
    QList<qint64> members;
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 2 && fields.at(0) != "Z" && fields.at(2).toLongLong() == pgid) {
            members.append(pid.toLongLong());
        }
    }
    return members;
}

} // namespace

class tst_BrowserLauncher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void chromiumFamilyFlags_data()
    {
        QTest::addColumn<HostKind>("kind");
        QTest::addColumn<bool>("headless");
        QTest::addColumn<bool>("asRoot");
        QTest::newRow("chromium headless root") << HostKind::Chromium << true << true;
        QTest::newRow("chromium visible user") << HostKind::Chromium << false << false;
        QTest::newRow("edge headless user") << HostKind::Edge << true << false;
    }
    void chromiumFamilyFlags()
    {
        QFETCH(HostKind, kind);
        QFETCH(bool, headless);
        QFETCH(bool, asRoot);
        const QUrl url(QStringLiteral("http://127.0.0.1:5/host.html?token=t&host=h&kind=chromium"));
        BrowserLaunchOptions options;
        options.headless = headless;
        options.extraArguments = {QStringLiteral("--lang=de")};
        const QStringList args =
            BrowserLauncher::arguments(kind, QStringLiteral("/tmp/p"), url, options, asRoot);
        QVERIFY(args.contains(QStringLiteral("--enable-unsafe-webgpu")));
        QVERIFY(args.contains(QStringLiteral("--enable-unsafe-swiftshader")));
        QVERIFY(args.contains(QStringLiteral("--enable-features=WebMachineLearningNeuralNetwork")));
        QVERIFY(args.contains(QStringLiteral("--user-data-dir=/tmp/p")));
        QCOMPARE(args.contains(QStringLiteral("--headless")), headless);
        QCOMPARE(args.contains(QStringLiteral("--no-sandbox")), asRoot);
        QVERIFY(!args.contains(QStringLiteral("--enable-features=Vulkan"))); // breaks headful under Xvfb
        QCOMPARE(args.last(), url.toString(QUrl::FullyEncoded));
        QCOMPARE(args.at(args.size() - 2), QStringLiteral("--lang=de"));
    }

    void firefoxFlagsAndPrefs()
    {
        const QUrl url(QStringLiteral("http://127.0.0.1:5/host.html?token=t"));
        const QStringList args =
            BrowserLauncher::arguments(HostKind::Firefox, QStringLiteral("/tmp/ff"), url, {}, true);
        QCOMPARE(args, (QStringList{QStringLiteral("--headless"), QStringLiteral("--no-remote"),
                                    QStringLiteral("--profile"), QStringLiteral("/tmp/ff"),
                                    url.toString(QUrl::FullyEncoded)}));
        const QByteArray userJs = BrowserLauncher::firefoxUserJs();
        for (const char *pref :
             {"dom.webgpu.enabled", "gfx.webgpu.ignore-blocklist", "gfx.webgpu.force-enabled"}) {
            QVERIFY2(userJs.contains(QByteArray(QByteArray("user_pref(\"") + pref + "\", true);")), pref);
        }
    }

    void environmentOverrideWins()
    {
        QTemporaryDir dir;
        const QString fake = dir.filePath(QStringLiteral("my-chromium"));
        QFile f(fake);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\n");
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("ACCEL_CHROMIUM", fake.toLocal8Bit());
        const std::optional<BrowserInstall> found = BrowserLauncher::find(HostKind::Chromium);
        qunsetenv("ACCEL_CHROMIUM");
        QVERIFY(found);
        QCOMPARE(found->program, fake);
        QCOMPARE(found->kind, HostKind::Chromium);

        // A non-executable override is ignored (falls back to PATH).
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        qputenv("ACCEL_CHROMIUM", fake.toLocal8Bit());
        const std::optional<BrowserInstall> again = BrowserLauncher::find(HostKind::Chromium);
        qunsetenv("ACCEL_CHROMIUM");
        QVERIFY(!again || again->program != fake);
        QVERIFY(BrowserLauncher::candidates(HostKind::Embedded).isEmpty());
    }

    void stopEndsTheWholeGroupAndRemovesProfile()
    {
        auto profile = std::make_unique<QTemporaryDir>();
        const QString profilePath = profile->path();
        // The leader forks a child that stays in its group: stop() must reach both.
        BrowserProcess process(HostKind::Chromium, QStringLiteral("/bin/sh"),
                               {QStringLiteral("-c"), QStringLiteral("sleep 30 & exec sleep 31")},
                               QProcessEnvironment::systemEnvironment(), std::move(profile));
        QString error;
        QVERIFY2(process.start(&error), qPrintable(error));
        const qint64 pgid = process.pid();
        QVERIFY(pgid > 0);
        QTRY_COMPARE(groupMembers(pgid).size(), 2);
        QCOMPARE(::getpgid(pid_t(pgid)), pid_t(pgid)); // its own group (setsid)
        QVERIFY(::getpgid(pid_t(pgid)) != ::getpgrp());
        const QList<qint64> members = groupMembers(pgid);
        process.stop(2000);
        for (qint64 pid : members) {
            QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 5000);
        }
        QVERIFY(!QDir(profilePath).exists());
        QCOMPARE(process.pid(), qint64(0));
        process.stop(); // twice is harmless
    }

    void stopInBackgroundDoesNotBlock()
    {
        // A group that ignores SIGTERM (the disposition is inherited by the children): stop()
        // would block for the whole grace period; stopInBackground() returns at once, SIGKILLs
        // after the grace period, removes the profile and deletes itself.
        auto profile = std::make_unique<QTemporaryDir>();
        const QString profilePath = profile->path();
        auto *process =
            new BrowserProcess(HostKind::Chromium, QStringLiteral("/bin/sh"),
                               {QStringLiteral("-c"), QStringLiteral("trap '' TERM; sleep 30 & sleep 31; :")},
                               QProcessEnvironment::systemEnvironment(), std::move(profile), this);
        QPointer<BrowserProcess> alive(process);
        QVERIFY(process->start());
        const qint64 pgid = process->pid();
        QTRY_COMPARE(groupMembers(pgid).size(), 3); // sh, and its two sleeps
        const QList<qint64> members = groupMembers(pgid);
        QElapsedTimer timer;
        timer.start();
        process->stopInBackground(800);
        const qint64 returnedAfterMs = timer.elapsed();
        QVERIFY2(returnedAfterMs < 100, QByteArray::number(returnedAfterMs).constData());
        QVERIFY(process->parent() == QCoreApplication::instance());
        QTest::qWait(300); // SIGTERM is ignored: the group is still there within the grace period
        QCOMPARE(groupMembers(pgid).size(), 3);
        for (qint64 pid : members) {
            QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 5000);
        }
        QVERIFY2(timer.elapsed() >= 700, QByteArray::number(timer.elapsed()).constData());
        QTRY_VERIFY_WITH_TIMEOUT(alive.isNull(), 5000);
        QVERIFY(!QDir(profilePath).exists());
    }

    void stopInBackgroundOfAnExitedProcess()
    {
        auto *process = new BrowserProcess(HostKind::Firefox, QStringLiteral("/bin/sh"),
                                           {QStringLiteral("-c"), QStringLiteral("exit 0")},
                                           QProcessEnvironment::systemEnvironment(), nullptr, this);
        QPointer<BrowserProcess> alive(process);
        QSignalSpy exited(process, &BrowserProcess::exited);
        QVERIFY(process->start());
        QVERIFY(exited.wait(5000));
        process->stopInBackground(800);
        QTRY_VERIFY_WITH_TIMEOUT(alive.isNull(), 2000);
    }

    void exitOfLeaderIsReportedAndHelpersKilled_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<bool>("crashed");
        QTest::newRow("SIGKILL") << int(SIGKILL) << true;
        QTest::newRow("SIGTERM") << int(SIGTERM) << true;
    }
    void exitOfLeaderIsReportedAndHelpersKilled()
    {
        QFETCH(int, signal);
        QFETCH(bool, crashed);
        BrowserProcess process(HostKind::Firefox, QStringLiteral("/bin/sh"),
                               {QStringLiteral("-c"), QStringLiteral("sleep 30 & exec sleep 31")},
                               QProcessEnvironment::systemEnvironment(), nullptr);
        QVERIFY(process.start());
        const qint64 pgid = process.pid();
        QTRY_COMPARE(groupMembers(pgid).size(), 2);
        QSignalSpy exited(&process, &BrowserProcess::exited);
        QCOMPARE(::kill(pid_t(pgid), signal), 0); // the leader only
        QVERIFY(exited.wait(5000));
        QCOMPARE(exited.at(0).at(1).toBool(), crashed);
        QTRY_VERIFY_WITH_TIMEOUT(groupMembers(pgid).isEmpty(), 5000); // the helper went with it
    }

    void missingProgramFailsCleanly()
    {
        BrowserProcess process(HostKind::Edge, QStringLiteral("/nonexistent/msedge"), {},
                               QProcessEnvironment::systemEnvironment(), nullptr);
        QString error;
        QVERIFY(!process.start(&error));
        QVERIFY(error.contains(QLatin1String("/nonexistent/msedge")));
        QVERIFY(!process.isRunning());
    }
};

QTEST_GUILESS_MAIN(tst_BrowserLauncher)
#include "tst_BrowserLauncher.moc"
