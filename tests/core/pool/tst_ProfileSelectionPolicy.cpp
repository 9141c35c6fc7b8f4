// History-driven host selection: a confident BrowserProfiles ranking moves the preferred kind
// first; too little or too similar history leaves the defaults; history never outranks health
// or backend support.
#include "pool/ProfileSelectionPolicy.h"

#include <QTest>

using namespace accel;

namespace {

HostCandidate host(const QString &id, HostKind kind, double health = 100.0)
{
    HostCandidate c;
    c.id = id;
    c.kind = kind;
    c.health = health;
    c.webGpu = kind == HostKind::Chromium;
    return c;
}

// `n` samples per browser; firefox around `firefoxMs`, edge around `edgeMs` (ms, lower is better).
BrowserProfiles profiles(int n, double firefoxMs, double edgeMs)
{
    BrowserProfiles p;
    for (int i = 0; i < n; ++i) {
        const double wobble = (i % 5) * 0.1;
        p.addSample(QStringLiteral("text"), QStringLiteral("inference"), QStringLiteral("firefox"),
                    QStringLiteral("wasm"), firefoxMs + wobble);
        p.addSample(QStringLiteral("text"), QStringLiteral("inference"), QStringLiteral("edge"),
                    QStringLiteral("wasm"), edgeMs + wobble);
    }
    return p;
}

const QList<HostCandidate> fleet{host(QStringLiteral("c1"), HostKind::Chromium),
                                 host(QStringLiteral("e1"), HostKind::Edge),
                                 host(QStringLiteral("f1"), HostKind::Firefox)};

} // namespace

class tst_ProfileSelectionPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decides_data()
    {
        QTest::addColumn<int>("samples");
        QTest::addColumn<double>("firefoxMs");
        QTest::addColumn<double>("edgeMs");
        QTest::addColumn<QString>("first");
        QTest::addColumn<bool>("fromHistory");
        // Text defaults to Edge (WebNN); history says Firefox is clearly faster.
        QTest::newRow("confident firefox") << 12 << 10.0 << 20.0 << QStringLiteral("f1") << true;
        QTest::newRow("confident edge") << 12 << 30.0 << 20.0 << QStringLiteral("e1") << true;
        QTest::newRow("too few samples") << 4 << 10.0 << 20.0 << QStringLiteral("e1") << false;
        QTest::newRow("indistinguishable") << 12 << 20.0 << 20.0 << QStringLiteral("e1") << false;
        QTest::newRow("no history") << 0 << 0.0 << 0.0 << QStringLiteral("e1") << false;
    }

    void decides()
    {
        QFETCH(int, samples);
        QFETCH(double, firefoxMs);
        QFETCH(double, edgeMs);
        QFETCH(QString, first);
        QFETCH(bool, fromHistory);
        auto policy = std::make_shared<ProfileSelectionPolicy>(profiles(samples, firefoxMs, edgeMs));
        HostSelector selector(policy);
        SelectionRequest request;
        request.family = ModelFamily::Text;
        const QStringList chosen = selector.select(request, fleet);
        QCOMPARE(chosen.value(0), first);
        QCOMPARE(policy->preferredKind(ModelFamily::Text).has_value(), fromHistory);
        QCOMPARE(policy->explain(ModelFamily::Text).startsWith(QStringLiteral("history")), fromHistory);
        // Other families are untouched by text history: vision still prefers Chromium.
        request.family = ModelFamily::Vision;
        QCOMPARE(selector.select(request, fleet).value(0), QStringLiteral("c1"));
    }

    void historyNeverOutranksHealthOrBackend()
    {
        auto policy = std::make_shared<ProfileSelectionPolicy>(profiles(12, 10.0, 20.0));
        HostSelector selector(policy);
        SelectionRequest request;
        request.family = ModelFamily::Text;
        // The history winner is sick: the healthy Edge host goes first.
        const QList<HostCandidate> sick{host(QStringLiteral("e1"), HostKind::Edge),
                                        host(QStringLiteral("f1"), HostKind::Firefox, 20.0)};
        QCOMPARE(selector.select(request, sick).value(0), QStringLiteral("e1"));
        // WebGPU wanted: only Chromium has it, whatever history says.
        request.backend = BackendPreference::WebGpu;
        QCOMPARE(selector.select(request, fleet).value(0), QStringLiteral("c1"));
        // An isolated (forced-open) winner is never chosen.
        QList<HostCandidate> isolated = fleet;
        isolated[2].breaker = BreakerState::ForcedOpen;
        request.backend = BackendPreference::Any;
        QVERIFY(!selector.select(request, isolated).contains(QStringLiteral("f1")));
    }

    void qtWebEngineNameMeansEmbedded()
    {
        BrowserProfiles p;
        for (int i = 0; i < 12; ++i) {
            p.addSample(QStringLiteral("audio"), QStringLiteral("inference"), QStringLiteral("qtwebengine"),
                        QStringLiteral("wasm"), 5.0 + (i % 3) * 0.1);
            p.addSample(QStringLiteral("audio"), QStringLiteral("inference"), QStringLiteral("firefox"),
                        QStringLiteral("wasm"), 50.0 + (i % 3) * 0.1);
        }
        ProfileSelectionPolicy policy(p);
        QCOMPARE(policy.preferredKind(ModelFamily::Audio), std::optional<HostKind>(HostKind::Embedded));
    }
};

QTEST_GUILESS_MAIN(tst_ProfileSelectionPolicy)
#include "tst_ProfileSelectionPolicy.moc"
