#include "pool/HostSelector.h"

#include <QTest>

using namespace accel;

namespace {
HostCandidate host(const QString &id, HostKind kind, double health = 100,
                   BreakerState b = BreakerState::Closed)
{
    HostCandidate c;
    c.id = id;
    c.kind = kind;
    c.health = health;
    c.breaker = b;
    return c;
}

const QList<HostCandidate> kFleet = {
    host(QStringLiteral("e1"), HostKind::Embedded), host(QStringLiteral("c1"), HostKind::Chromium),
    host(QStringLiteral("f1"), HostKind::Firefox), host(QStringLiteral("x1"), HostKind::Edge)};

class FirefoxAlwaysPolicy : public SelectionPolicy
{
public:
    double score(const SelectionRequest &, const HostCandidate &c) const override
    {
        return c.kind == HostKind::Firefox ? 10 : 1;
    }
};
} // namespace

Q_DECLARE_METATYPE(accel::ModelFamily)
Q_DECLARE_METATYPE(accel::BackendPreference)

class tst_HostSelector : public QObject
{
    Q_OBJECT
private slots:
    void defaults_data()
    {
        QTest::addColumn<ModelFamily>("family");
        QTest::addColumn<QString>("expected");
        QTest::newRow("audio -> firefox") << ModelFamily::Audio << "f1";
        QTest::newRow("text -> edge") << ModelFamily::Text << "x1";
        QTest::newRow("vision -> chromium") << ModelFamily::Vision << "c1";
        QTest::newRow("multimodal -> chromium") << ModelFamily::Multimodal << "c1";
    }
    void defaults()
    {
        QFETCH(ModelFamily, family);
        QFETCH(QString, expected);
        HostSelector s;
        QCOMPARE(s.select({family, BackendPreference::Any, 1}, kFleet), QStringList{expected});
    }

    void fallbacks_data()
    {
        QTest::addColumn<QList<HostCandidate>>("fleet");
        QTest::addColumn<ModelFamily>("family");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("no edge: text -> chromium")
            << QList<HostCandidate>{host("e1", HostKind::Embedded), host("c1", HostKind::Chromium),
                                    host("f1", HostKind::Firefox)}
            << ModelFamily::Text << QStringList{"c1", "e1", "f1"};
        QTest::newRow("only embedded: vision -> embedded")
            << QList<HostCandidate>{host("e1", HostKind::Embedded), host("e2", HostKind::Embedded, 90)}
            << ModelFamily::Vision << QStringList{"e1", "e2"};
        QTest::newRow("unhealthy firefox: audio -> chromium first")
            << QList<HostCandidate>{host("f1", HostKind::Firefox, 20), host("c1", HostKind::Chromium)}
            << ModelFamily::Audio << QStringList{"c1", "f1"};
        QTest::newRow("open breaker skipped")
            << QList<HostCandidate>{host("c1", HostKind::Chromium, 100, BreakerState::Open),
                                    host("e1", HostKind::Embedded)}
            << ModelFamily::Vision << QStringList{"e1"};
        QTest::newRow("isolated skipped")
            << QList<HostCandidate>{host("x1", HostKind::Edge, 100, BreakerState::ForcedOpen)}
            << ModelFamily::Text << QStringList{};
        QTest::newRow("half-open last")
            << QList<HostCandidate>{host("c1", HostKind::Chromium, 100, BreakerState::HalfOpen),
                                    host("f1", HostKind::Firefox, 60)}
            << ModelFamily::Vision << QStringList{"f1", "c1"};
        QTest::newRow("equal hosts: healthier first")
            << QList<HostCandidate>{host("c2", HostKind::Chromium, 70), host("c1", HostKind::Chromium, 95)}
            << ModelFamily::Vision << QStringList{"c1", "c2"};
        QTest::newRow("empty fleet") << QList<HostCandidate>{} << ModelFamily::Audio << QStringList{};
    }
    void fallbacks()
    {
        QFETCH(QList<HostCandidate>, fleet);
        QFETCH(ModelFamily, family);
        QFETCH(QStringList, expected);
        HostSelector s;
        QCOMPARE(s.select({family, BackendPreference::Any, 10}, fleet), expected);
    }

    void notReadyNeverChosen()
    {
        QList<HostCandidate> fleet = kFleet;
        for (HostCandidate &c : fleet) {
            c.ready = false;
        }
        QVERIFY(HostSelector().select({ModelFamily::Text, BackendPreference::Any, 4}, fleet).isEmpty());
    }

    void backendPreference()
    {
        QList<HostCandidate> fleet = {host("x1", HostKind::Edge), host("c1", HostKind::Chromium)};
        fleet[1].webGpu = true;
        // Text prefers Edge, but asking for WebGPU puts the host with an adapter first.
        QCOMPARE(HostSelector().select({ModelFamily::Text, BackendPreference::WebGpu, 2}, fleet),
                 (QStringList{"c1", "x1"}));
        fleet[0].webNn = true;
        QCOMPARE(HostSelector().select({ModelFamily::Vision, BackendPreference::WebNn, 1}, fleet),
                 QStringList{"x1"});
    }

    void countAndLoad()
    {
        QList<HostCandidate> fleet = {host("c1", HostKind::Chromium), host("c2", HostKind::Chromium)};
        fleet[0].leases = 3;
        HostSelector s;
        QCOMPARE(s.select({ModelFamily::Vision, BackendPreference::Any, 1}, fleet), QStringList{"c2"});
        QVERIFY(s.select({ModelFamily::Vision, BackendPreference::Any, 0}, fleet).isEmpty());
        QCOMPARE(s.select({ModelFamily::Vision, BackendPreference::Any, 5}, fleet).size(), 2);
    }

    void pluggablePolicy()
    {
        HostSelector s(std::make_shared<FirefoxAlwaysPolicy>());
        QCOMPARE(s.select({ModelFamily::Vision, BackendPreference::Any, 1}, kFleet), QStringList{"f1"});
        // The hard rules still apply to a custom policy.
        QList<HostCandidate> fleet = kFleet;
        fleet[2].breaker = BreakerState::Open;
        QVERIFY(!s.select({ModelFamily::Vision, BackendPreference::Any, 4}, fleet).contains("f1"));
        s.setPolicy(nullptr); // back to the default
        QCOMPARE(s.select({ModelFamily::Vision, BackendPreference::Any, 1}, kFleet), QStringList{"c1"});
    }

    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("text") << "text" << true;
        QTest::newRow("multimodal") << "multimodal" << true;
        QTest::newRow("Text") << "Text" << false;
        QTest::newRow("empty") << "" << false;
    }
    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        const auto f = modelFamilyFromString(name);
        QCOMPARE(f.has_value(), valid);
        if (f) {
            QCOMPARE(toString(*f), name);
        }
        QCOMPARE(backendPreferenceFromString(u"webnn"), std::optional(BackendPreference::WebNn));
        QVERIFY(!backendPreferenceFromString(u"cuda"));
    }
};

QTEST_GUILESS_MAIN(tst_HostSelector)
#include "tst_HostSelector.moc"
