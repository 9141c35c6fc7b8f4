// The benchmark machinery without browsers: the in-process Qt echo leg, and a host that cannot
// be opened. (Browser legs run in `accelctl bench transport`.)
#include "hosts/TransportBenchmark.h"

#include <QTest>

using accel::HostKind;
using accel::TransportBenchmark;

class tst_TransportBenchmark : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void qtClientLegMeasures_data()
    {
        QTest::addColumn<qint64>("frameBytes");
        QTest::addColumn<int>("window");
        QTest::newRow("64 KiB sequential") << qint64(64 * 1024) << 1;
        QTest::newRow("256 KiB pipelined") << qint64(256 * 1024) << 4;
    }
    void qtClientLegMeasures()
    {
        QFETCH(qint64, frameBytes);
        QFETCH(int, window);
        TransportBenchmark::Options options;
        options.frameBytes = frameBytes;
        options.framesPerRound = 8;
        options.window = window;
        options.rounds = 2;
        TransportBenchmark bench(options);
        QString error;
        QVERIFY2(bench.start(&error), qPrintable(error));
        const TransportBenchmark::Leg leg = bench.measureQtClient();
        QVERIFY2(leg.error.isEmpty(), qPrintable(leg.error));
        QCOMPARE(leg.rounds.size(), 2);
        for (const TransportBenchmark::Round &r : leg.rounds) {
            QCOMPARE(r.frames, 8);
            QCOMPARE(r.bytes, 8 * frameBytes);
            QVERIFY(r.seconds > 0);
        }
        QVERIFY(leg.medianMiBPerSecond() > 0);
    }

    void unopenableHostIsReported()
    {
        TransportBenchmark::Options options;
        options.connectTimeoutMs = 500;
        TransportBenchmark bench(options);
        QVERIFY(bench.start(nullptr));
        const auto [raw, protocol] = bench.measureHost(HostKind::Chromium, [](const QUrl &, QString *error) {
            *error = QStringLiteral("no such browser");
            return std::unique_ptr<QObject>();
        });
        QCOMPARE(raw.error, QStringLiteral("no such browser"));
        QCOMPARE(protocol.error, QStringLiteral("no such browser"));
        QVERIFY(protocol.rounds.isEmpty());

        // A host that opens but never connects times out instead of hanging.
        const auto [raw2, protocol2] = bench.measureHost(
            HostKind::Chromium, [](const QUrl &, QString *) { return std::make_unique<QObject>(); });
        QVERIFY(protocol2.error.contains(QLatin1String("did not connect")));
        QVERIFY(protocol2.rounds.isEmpty());
    }

    void medianOfRounds()
    {
        TransportBenchmark::Leg leg;
        QCOMPARE(leg.medianMiBPerSecond(), 0.0);
        const qint64 mib = 1024 * 1024;
        leg.rounds = {{1, 10 * mib, 1.0}, {1, 30 * mib, 1.0}, {1, 20 * mib, 1.0}};
        QCOMPARE(leg.medianMiBPerSecond(), 20.0);
        leg.rounds.append({1, 40 * mib, 1.0});
        QCOMPARE(leg.medianMiBPerSecond(), 25.0);
    }
};

QTEST_GUILESS_MAIN(tst_TransportBenchmark)
#include "tst_TransportBenchmark.moc"
