#include "resilience/RecoveryCursor.h"

#include <QTest>

using namespace accel;

namespace {

QString walk(const RecoveryPlanner &planner, ErrorCategory category, ComputeBackend start)
{
    RecoveryCursor cursor(planner, category, start);
    QStringList steps;
    while (const auto a = cursor.next()) {
        QString s = toString(a->step);
        if (a->step == RecoveryStep::DowngradeBackend) {
            s += QLatin1Char(':') + toString(a->backend);
        }
        steps.append(s);
        if (steps.size() > 50) {
            break; // would be a bug: ladders are finite
        }
    }
    return steps.join(QLatin1Char(','));
}

} // namespace

class tst_RecoveryPlanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultLadders_data()
    {
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("expected");
        QTest::newRow("connection lost")
            << "connectionLost"
            << "webgpu"
            << "retryWithBackoff,retryWithBackoff,reconnect,reconnect,reloadPage,"
               "restartBrowser,moveShard";
        QTest::newRow("timeout") << "timeout"
                                 << "webgpu"
                                 << "retryWithBackoff,retryWithBackoff,reconnect,reloadPage,moveShard";
        QTest::newRow("browser crashed") << "browserCrashed"
                                         << "wasm"
                                         << "restartBrowser,restartBrowser,moveShard";
        QTest::newRow("gpu device lost")
            << "gpuDeviceLost"
            << "webgpu"
            << "reloadPage,moveShard,downgradeBackend:webnn,downgradeBackend:wasm,"
               "downgradeBackend:js";
        QTest::newRow("out of memory on wasm") << "outOfMemory"
                                               << "wasm"
                                               << "reloadPage,moveShard,downgradeBackend:js";
        QTest::newRow("shader compile from webgpu")
            << "shaderCompile"
            << "webgpu"
            << "downgradeBackend:webnn,downgradeBackend:wasm,downgradeBackend:js,moveShard";
        QTest::newRow("shader compile on js: nothing lower") << "shaderCompile"
                                                             << "js"
                                                             << "moveShard";
        QTest::newRow("protocol") << "protocol"
                                  << "webgpu"
                                  << "reconnect,reloadPage,restartBrowser";
        QTest::newRow("model error: no recovery") << "model"
                                                  << "webgpu"
                                                  << "";
        QTest::newRow("cancelled: no recovery") << "cancelled"
                                                << "webgpu"
                                                << "";
    }
    void defaultLadders()
    {
        QFETCH(QString, category);
        QFETCH(QString, start);
        QFETCH(QString, expected);
        const auto c = errorCategoryFromString(category);
        const auto b = computeBackendFromString(start);
        QVERIFY(c && b);
        RecoveryPlanner planner;
        QCOMPARE(walk(planner, *c, *b), expected);
        // ladderFor lists each step once, in order.
        QStringList distinct;
        for (const QString &s : expected.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString step = s.section(QLatin1Char(':'), 0, 0);
            if (distinct.isEmpty() || distinct.last() != step) {
                distinct.append(step);
            }
        }
        QStringList ladder;
        for (RecoveryStep s : planner.ladderFor(*c)) {
            ladder.append(toString(s));
        }
        if (*b != ComputeBackend::Js) {
            QCOMPARE(ladder, distinct);
        }
    }

    void everyCountedCategoryHasALadder()
    {
        RecoveryPlanner planner;
        for (ErrorCategory c : ErrorCategorySet::defaultCounted().toList()) {
            QVERIFY2(!planner.ladderFor(c).isEmpty(), qPrintable(toString(c)));
        }
    }

    void retryBackoffGrowsAndCaps()
    {
        RecoveryPlannerConfig config;
        config.retryBaseDelayMs = 100;
        config.retryMultiplier = 3.0;
        config.retryMaxDelayMs = 500;
        RecoveryPlanner planner(config);
        QVERIFY(planner.setLadder(ErrorCategory::Timeout, {{RecoveryStep::RetryWithBackoff, 4}}));
        QList<qint64> delays;
        for (int n = 1; n <= 4; ++n) {
            const auto a = planner.actionAfter(ErrorCategory::Timeout, n, ComputeBackend::WebGpu);
            QVERIFY(a);
            QCOMPARE(a->attempt, n);
            delays.append(a->delayMs);
            QVERIFY(a->explanation.contains(QLatin1String("timeout")));
        }
        QCOMPARE(delays, (QList<qint64>{100, 300, 500, 500}));
        QVERIFY(!planner.actionAfter(ErrorCategory::Timeout, 5, ComputeBackend::WebGpu));
        QVERIFY(!planner.actionAfter(ErrorCategory::Timeout, 0, ComputeBackend::WebGpu));
        QVERIFY(!planner.actionAfter(ErrorCategory::Timeout, -3, ComputeBackend::WebGpu));
    }

    void cursorTracksBackendAndStaysExhausted()
    {
        RecoveryPlanner planner;
        RecoveryCursor cursor(planner, ErrorCategory::ShaderCompile, ComputeBackend::WebNN);
        QCOMPARE(cursor.next()->backend, ComputeBackend::Wasm);
        QCOMPARE(cursor.backend(), ComputeBackend::Wasm);
        QCOMPARE(cursor.next()->backend, ComputeBackend::Js);
        QCOMPARE(cursor.next()->step, RecoveryStep::MoveShard);
        QCOMPARE(cursor.backend(), ComputeBackend::Js);
        QVERIFY(!cursor.next());
        QVERIFY(cursor.isExhausted());
        QVERIFY(!cursor.next());
        QCOMPARE(cursor.failures(), 4);
    }

    void setLadderValidates()
    {
        RecoveryPlanner planner;
        QVERIFY(!planner.setLadder(ErrorCategory::Timeout, {{RecoveryStep::Reconnect, 0}}));
        QVERIFY(!planner.setLadder(ErrorCategory::Timeout, {{RecoveryStep(0), 1}}));
        QVERIFY(!planner.setLadder(ErrorCategory(0), {{RecoveryStep::Reconnect, 1}}));
        QCOMPARE(planner.ladderFor(ErrorCategory::Timeout).first(),
                 RecoveryStep::RetryWithBackoff); // unchanged
        QVERIFY(planner.setLadder(ErrorCategory::Model, {{RecoveryStep::MoveShard, 1}}));
        QCOMPARE(planner.ladderFor(ErrorCategory::Model), QList<RecoveryStep>{RecoveryStep::MoveShard});
    }

    void namesRoundTrip()
    {
        for (int i = 1; i <= 6; ++i) {
            QCOMPARE(recoveryStepFromString(toString(RecoveryStep(i))),
                     std::optional<RecoveryStep>(RecoveryStep(i)));
        }
        for (int i = 1; i <= 4; ++i) {
            QCOMPARE(computeBackendFromString(toString(ComputeBackend(i))),
                     std::optional<ComputeBackend>(ComputeBackend(i)));
        }
        QVERIFY(!recoveryStepFromString(u"panic"));
        QVERIFY(!computeBackendFromString(u"WebGPU"));
        QCOMPARE(lowerBackend(ComputeBackend::WebGpu), std::optional<ComputeBackend>(ComputeBackend::WebNN));
        QVERIFY(!lowerBackend(ComputeBackend::Js));
    }
};

QTEST_GUILESS_MAIN(tst_RecoveryPlanner)
#include "tst_RecoveryPlanner.moc"
