// `accelctl plan` and `accelctl bench planner` through the real binary: the table, the JSON (which
// must read back as a valid plan), and the errors users see.
#include "../AccelctlProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

class tst_AccelctlPlan : public QObject
{
    Q_OBJECT
    using Run = testsupport::AccelctlRun;
    static Run accelctl(const QStringList &args) { return testsupport::runAccelctl(args, 60000); }

private Q_SLOTS:
    void strategies_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("firstHost");
        // Demo model: 4 layers, text family. c1 is 4x faster than f1.
        QTest::newRow("layer") << QStringLiteral("layer") << QStringLiteral("c1");
        QTest::newRow("browser") << QStringLiteral("browser")
                                 << QStringLiteral("c1"); // chromium before firefox for text
        QTest::newRow("optimal") << QStringLiteral("optimal") << QStringLiteral("c1");
    }
    void strategies()
    {
        QFETCH(QString, strategy);
        QFETCH(QString, firstHost);
        const QStringList base{QStringLiteral("plan"),
                               QStringLiteral("--model"),
                               QStringLiteral("demo"),
                               QStringLiteral("--hosts"),
                               QStringLiteral("f1:firefox:4:512,c1:chromium:1:512"),
                               QStringLiteral("--strategy"),
                               strategy,
                               QStringLiteral("--hop-ms"),
                               QStringLiteral("0.1")};
        Run r = accelctl(base);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("bottleneck: stage")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("requests/s")));
        r = accelctl(base + QStringList{QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("strategy")).toString(), strategy);
        QCOMPARE(o.value(QStringLiteral("layerCount")).toInt(), 4);
        const QJsonArray stages = o.value(QStringLiteral("stages")).toArray();
        QVERIFY(!stages.isEmpty());
        if (strategy == QLatin1String("layer")) {
            QCOMPARE(stages.at(0).toObject().value(QStringLiteral("hostId")).toString(),
                     QStringLiteral("f1"));
        } else {
            QCOMPARE(stages.at(0).toObject().value(QStringLiteral("hostId")).toString(), firstHost);
        }
        if (strategy == QLatin1String("optimal")) {
            // 4x faster host: 3 layers on c1 + hop vs 1 on f1 (4 ms), or everything on c1 (4 ms).
            QVERIFY(o.value(QStringLiteral("bottleneckMs")).toDouble() <= 4.0 + 1e-9);
        }
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QStringList common{QStringLiteral("plan"), QStringLiteral("--model"), QStringLiteral("demo")};
        QTest::newRow("usage") << QStringList{QStringLiteral("plan")} << 2 << "required";
        QTest::newRow("bad strategy")
            << common + QStringList{QStringLiteral("--hosts"), QStringLiteral("a:chromium"),
                                    QStringLiteral("--strategy"), QStringLiteral("magic")}
            << 2 << "unknown strategy";
        QTest::newRow("bad host") << common +
                                         QStringList{QStringLiteral("--hosts"), QStringLiteral("a:safari"),
                                                     QStringLiteral("--strategy"), QStringLiteral("layer")}
                                  << 2 << "unknown kind";
        QTest::newRow("too small") << common + QStringList{QStringLiteral("--hosts"),
                                                           QStringLiteral("a:chromium:1:1,b:firefox:1:1"),
                                                           QStringLiteral("--strategy"),
                                                           QStringLiteral("optimal")}
                                   << 1 << "all 2 usable hosts together";
        QTest::newRow("missing model dir")
            << QStringList{QStringLiteral("plan"),           QStringLiteral("--model"),
                           QStringLiteral("/nonexistent/m"), QStringLiteral("--hosts"),
                           QStringLiteral("a:chromium"),     QStringLiteral("--strategy"),
                           QStringLiteral("layer")}
            << 1 << "config.json";
        QTest::newRow("bad stages") << common +
                                           QStringList{
                                               QStringLiteral("--hosts"),    QStringLiteral("a:chromium"),
                                               QStringLiteral("--strategy"), QStringLiteral("layer"),
                                               QStringLiteral("--stages"),   QStringLiteral("0")}
                                    << 2 << "bad value";
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = accelctl(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void benchPlanner()
    {
        const Run r = accelctl({QStringLiteral("bench"), QStringLiteral("planner"),
                                QStringLiteral("--layers"), QStringLiteral("12"), QStringLiteral("--hosts"),
                                QStringLiteral("2,4"), QStringLiteral("--repeats"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("opt/even")), qPrintable(r.out + r.err));
        // Two data rows, one per host count.
        const QStringList rows =
            r.out.split(QLatin1Char('\n')).filter(QRegularExpression(QStringLiteral("^\\s+12\\s+[24]\\s")));
        QCOMPARE(rows.size(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_AccelctlPlan)
#include "tst_AccelctlPlan.moc"
