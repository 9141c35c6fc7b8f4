#include "history/BrowserProfiles.h"
#include "history/MetricsStore.h"
#include "history/SyntheticSeries.h"

#include <QTest>

using namespace accel;

class tst_BrowserProfiles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ranksByMeasuredHistory_data()
    {
        QTest::addColumn<int>("samples");
        QTest::addColumn<double>("chromiumMs");
        QTest::addColumn<double>("firefoxMs");
        QTest::addColumn<bool>("confident");
        QTest::addColumn<QString>("winner");
        QTest::newRow("clear winner") << 40 << 10.0 << 14.0 << true << QStringLiteral("chromium");
        QTest::newRow("firefox wins") << 40 << 14.0 << 10.0 << true << QStringLiteral("firefox");
        QTest::newRow("too few runs") << 5 << 10.0 << 14.0 << false << QStringLiteral("chromium");
        QTest::newRow("indistinguishable") << 40 << 10.0 << 10.0 << false << QString();
    }

    void ranksByMeasuredHistory()
    {
        QFETCH(int, samples);
        QFETCH(double, chromiumMs);
        QFETCH(double, firefoxMs);
        QFETCH(bool, confident);
        QFETCH(QString, winner);
        BrowserProfiles profiles;
        SyntheticSeries gen(31);
        for (int i = 0; i < samples; ++i) {
            profiles.addSample(QStringLiteral("llama"), QStringLiteral("decode"), QStringLiteral("chromium"),
                               QStringLiteral("webgpu"),
                               chromiumMs + gen.noise(SyntheticSeries::Noise::Gaussian));
            profiles.addSample(QStringLiteral("llama"), QStringLiteral("decode"), QStringLiteral("firefox"),
                               QStringLiteral("webgpu"),
                               firefoxMs + gen.noise(SyntheticSeries::Noise::Gaussian));
        }
        const auto r = profiles.rank(QStringLiteral("llama"), QStringLiteral("decode"));
        QCOMPARE(int(r.candidates.size()), 2);
        QCOMPARE(r.confident, confident);
        QVERIFY(!r.reason.isEmpty());
        if (!winner.isEmpty()) {
            QCOMPARE(r.candidates.front().browser, winner);
        }
        const auto preferred = profiles.preferred(QStringLiteral("llama"), QStringLiteral("decode"));
        QCOMPARE(preferred.has_value(), confident);
        if (preferred) {
            QCOMPARE(preferred->browser, winner);
        }
        // Another family or operation has no history: the selector keeps its defaults.
        QVERIFY(!profiles.preferred(QStringLiteral("bert"), QStringLiteral("decode")));
        QVERIFY(!profiles.preferred(QStringLiteral("llama"), QStringLiteral("prefill")));
    }

    void higherIsBetterAndSingleCandidate()
    {
        BrowserProfiles::Options o;
        o.direction = MetricDirection::HigherIsBetter;
        BrowserProfiles profiles(o);
        for (int i = 0; i < 30; ++i) {
            profiles.addSample(QStringLiteral("bert"), QString(), QStringLiteral("chromium"),
                               QStringLiteral("wasm"), 100 + i % 3);
            profiles.addSample(QStringLiteral("bert"), QString(), QStringLiteral("chromium"),
                               QStringLiteral("webgpu"), 200 + i % 3);
            profiles.addSample(QStringLiteral("vit"), QString(), QStringLiteral("firefox"),
                               QStringLiteral("wasm"), 5);
        }
        const auto r = profiles.rank(QStringLiteral("bert"), QStringLiteral("inference"));
        QCOMPARE(r.candidates.front().backend, QStringLiteral("webgpu")); // more tokens/s wins
        QVERIFY(r.confident);
        QVERIFY(!profiles.preferred(QStringLiteral("vit"), QString())); // nothing to compare against
        QCOMPARE(profiles.rankings().size(), 2);
        profiles.addSample(QStringLiteral("bert"), QString(), QStringLiteral("chromium"),
                           QStringLiteral("wasm"),
                           std::nan("")); // ignored
        QCOMPARE(profiles.rank(QStringLiteral("bert"), QString()).candidates.back().samples, 30);
    }

    void loadsFromStore()
    {
        MetricsStore store(QStringLiteral(":memory:"), MetricsStore::Options(), nullptr, 1'700'000'000'000);
        QVERIFY(store.open());
        for (int i = 0; i < 25; ++i) {
            for (const auto &[browser, ms] :
                 {std::pair{QStringLiteral("chromium"), 20.0}, std::pair{QStringLiteral("firefox"), 30.0}}) {
                MetricSample s;
                s.metric = QStringLiteral("pool.latency.p50");
                s.tags.browser = browser;
                s.tags.backend = QStringLiteral("webgpu");
                s.tags.model = QStringLiteral("llama");
                s.tags.test = QStringLiteral("decode");
                s.timestampMs = 1'700'000'000'000 + i;
                s.value = ms + i % 5;
                store.record(s);
            }
        }
        MetricSample untagged; // no model: not usable for a profile
        untagged.metric = QStringLiteral("pool.latency.p50");
        untagged.timestampMs = 1'700'000'000'000;
        untagged.value = 1.0;
        store.record(untagged);
        const auto profiles = BrowserProfiles::fromStore(&store, QStringLiteral("pool.latency.p50"),
                                                         BrowserProfiles::Options());
        const auto preferred = profiles.preferred(QStringLiteral("llama"), QStringLiteral("decode"));
        QVERIFY(preferred.has_value());
        QCOMPARE(preferred->browser, QStringLiteral("chromium"));
        QCOMPARE(preferred->samples, 25);
        QCOMPARE(profiles.rankings().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_BrowserProfiles)
#include "tst_BrowserProfiles.moc"
