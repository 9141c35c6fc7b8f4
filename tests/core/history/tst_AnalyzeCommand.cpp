// Runs the real `accelctl analyze` binary on files in a temporary directory.
#include "history/SyntheticSeries.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class tst_AnalyzeCommand : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString accelctl() const
    {
        return qEnvironmentVariable("ACCEL_BUILD_DIR") + QStringLiteral("/app/accelctl/accelctl");
    }
    QString write(const QString &name, const QByteArray &content)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly)) {
            return QString();
        }
        f.write(content);
        return f.fileName();
    }
    int run(const QStringList &args, QByteArray *out, QByteArray *err)
    {
        QProcess p;
        p.start(accelctl(), args);
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        *out = p.readAllStandardOutput();
        *err = p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (!QFileInfo::exists(accelctl())) {
            QFAIL(qPrintable(QStringLiteral("accelctl not built at %1").arg(accelctl())));
        }
    }

    void jsonReportsEveryDetector()
    {
        accel::SyntheticSeries gen(4);
        const auto s =
            gen.make(200, 100.0, 1.0, accel::SyntheticSeries::Noise::Gaussian, {120}, {8.0}, {50}, 20.0);
        QByteArray csv = "timestamp,value\n";
        for (size_t i = 0; i < s.values.size(); ++i) {
            csv += QByteArray::number(1700000000 + qint64(i) * 3600) + ',' +
                   QByteArray::number(s.values[i], 'g', 17) + '\n';
        }
        const QString path = write(QStringLiteral("step.csv"), csv);
        QByteArray out, err;
        QCOMPARE(run({QStringLiteral("analyze"), path, QStringLiteral("--json")}, &out, &err), 0);
        QJsonParseError pe;
        const QJsonObject root = QJsonDocument::fromJson(out, &pe).object();
        QCOMPARE(pe.error, QJsonParseError::NoError);
        QCOMPARE(root.value(QStringLiteral("points")).toInt(), 200);
        const QJsonObject cps = root.value(QStringLiteral("change_points")).toObject();
        QCOMPARE(cps.value(QStringLiteral("significance_test")).toString(), QStringLiteral("permutation"));
        const QJsonArray changes = cps.value(QStringLiteral("changes")).toArray();
        QCOMPARE(changes.size(), 1);
        const QJsonObject c = changes[0].toObject();
        QCOMPARE(c.value(QStringLiteral("index")).toInt(), 120);
        QCOMPARE(c.value(QStringLiteral("timestamp")).toString(),
                 QStringLiteral("2023-11-19T22:13:20.000+00:00"));
        QVERIFY(c.value(QStringLiteral("after_mean")).toDouble() >
                c.value(QStringLiteral("before_mean")).toDouble() + 6);
        QVERIFY(c.value(QStringLiteral("confidence")).toDouble() >= 0.99);
        QVERIFY(c.value(QStringLiteral("regression")).toBool()); // lower is better by default
        const QJsonArray anomalies = root.value(QStringLiteral("anomalies")).toArray();
        QCOMPARE(anomalies.size(), 1);
        QCOMPARE(anomalies[0].toObject().value(QStringLiteral("index")).toInt(), 50);
        QVERIFY(
            root.value(QStringLiteral("trend")).toObject().value(QStringLiteral("enough_history")).toBool());
        QCOMPARE(
            root.value(QStringLiteral("forecast")).toObject().value(QStringLiteral("steps")).toArray().size(),
            10);

        // Higher is better: the same step is an improvement; --fail-on-regression stays 0.
        QCOMPARE(run({QStringLiteral("analyze"), path, QStringLiteral("--metric-direction"),
                      QStringLiteral("higher"), QStringLiteral("--fail-on-regression")},
                     &out, &err),
                 0);
        QVERIFY(out.contains("improvement"));
        QCOMPARE(run({QStringLiteral("analyze"), path, QStringLiteral("--fail-on-regression")}, &out, &err),
                 1);
        QVERIFY(out.contains("REGRESSION"));
        QCOMPARE(run({QStringLiteral("analyze"), path, QStringLiteral("--significance"),
                      QStringLiteral("ttest"), QStringLiteral("--json")},
                     &out, &err),
                 0);
        QCOMPARE(QJsonDocument::fromJson(out)
                     .object()
                     .value(QStringLiteral("change_points"))
                     .toObject()
                     .value(QStringLiteral("significance_test"))
                     .toString(),
                 QStringLiteral("welch-t-test"));
    }

    void baselineVerdictGatesCi_data()
    {
        QTest::addColumn<double>("candidateCenter");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("verdict");
        QTest::newRow("regressed") << 112.0 << 1 << QStringLiteral("regressed");
        QTest::newRow("unchanged") << 100.0 << 0 << QStringLiteral("unchanged");
        QTest::newRow("improved") << 88.0 << 0 << QStringLiteral("improved");
    }

    void baselineVerdictGatesCi()
    {
        QFETCH(double, candidateCenter);
        QFETCH(int, exitCode);
        QFETCH(QString, verdict);
        QByteArray base;
        QByteArray cand;
        for (int i = 0; i < 30; ++i) {
            const double wobble = ((i * 7) % 11 - 5) * 0.3;
            base += QByteArray::number(100.0 + wobble) + '\n';
            cand += QByteArray::number(candidateCenter + wobble) + '\n';
        }
        const QString basePath = write(QStringLiteral("base.csv"), base);
        const QString candPath = write(QStringLiteral("cand.csv"), cand);
        QByteArray out;
        QByteArray err;
        QCOMPARE(run({QStringLiteral("analyze"), candPath, QStringLiteral("--baseline"), basePath,
                      QStringLiteral("--fail-on-regression"), QStringLiteral("--json")},
                     &out, &err),
                 exitCode);
        const QJsonObject doc = QJsonDocument::fromJson(out).object();
        QCOMPARE(doc.value(QStringLiteral("baseline")).toObject().value(QStringLiteral("verdict")).toString(),
                 verdict);
        // A bad threshold is a usage error.
        QCOMPARE(run({QStringLiteral("analyze"), candPath, QStringLiteral("--baseline"), basePath,
                      QStringLiteral("--threshold"), QStringLiteral("7")},
                     &out, &err),
                 2);
    }

    void tooShortSaysSo()
    {
        const QString path = write(QStringLiteral("short.csv"), "1\n2\n3\n");
        QByteArray out, err;
        QCOMPARE(run({QStringLiteral("analyze"), path}, &out, &err), 0);
        QVERIFY(out.contains("not enough history"));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("garbage") << QStringList() << QByteArray("1\n2\nfoo\n") << QByteArray("line 3:");
        QTest::newRow("nan") << QStringList() << QByteArray("1\nNaN\n") << QByteArray("line 2:");
        QTest::newRow("bad direction")
            << QStringList{QStringLiteral("--metric-direction"), QStringLiteral("up")} << QByteArray("1\n")
            << QByteArray("lower");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << QByteArray("1\n")
                                        << QByteArray("unknown option");
        QTest::newRow("missing value")
            << QStringList{QStringLiteral("--horizon")} << QByteArray("1\n") << QByteArray("needs");
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, content);
        QFETCH(QByteArray, message);
        const QString path = write(QStringLiteral("bad.csv"), content);
        QByteArray out, err;
        QCOMPARE(run(QStringList{QStringLiteral("analyze"), path} + args, &out, &err), 2);
        QVERIFY2(err.contains(message), err.constData());
    }

    void missingFileAndNoArgs()
    {
        QByteArray out, err;
        QCOMPARE(run({QStringLiteral("analyze"), m_dir.filePath(QStringLiteral("absent.csv"))}, &out, &err),
                 2);
        QVERIFY(err.contains("cannot open"));
        QCOMPARE(run({QStringLiteral("analyze")}, &out, &err), 2);
        QVERIFY(err.contains("usage"));
    }
};

QTEST_GUILESS_MAIN(tst_AnalyzeCommand)
#include "tst_AnalyzeCommand.moc"
