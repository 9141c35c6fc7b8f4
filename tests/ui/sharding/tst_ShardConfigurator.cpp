// The shard configurator: strategies change the plan, dragging a boundary with real mouse events
// moves layers between stages, invalid manual plans show their error and disable Apply, Apply
// emits the shown plan, the stage menu moves a range and requests a host kill.
#include "sharding/ShardConfigurator.h"
#include "sharding/ShardPlanBar.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <memory>

using namespace accel;
using namespace accel::ui;

namespace {

constexpr qint64 kMiB = 1024 * 1024;

ShardModelFacts facts12()
{
    ShardModelFacts f;
    f.layerCount = 12;
    f.bytesPerLayer = 10 * kMiB;
    f.embeddingBytes = 20 * kMiB;
    f.finalBytes = kMiB;
    f.activationBytesPerToken = 1024;
    return f;
}

ShardHost host(const QString &id, HostKind kind, double msPerLayer, qint64 memory)
{
    ShardHost h;
    h.id = id;
    h.kind = kind;
    h.msPerLayer = msPerLayer;
    h.freeMemoryBytes = memory;
    return h;
}

ShardPlannerOptions zeroHop()
{
    ShardPlannerOptions o;
    o.hop.fixedMs = 0;
    o.hop.msPerMiB = 0;
    return o;
}

QList<int> layerCounts(const ShardPlan &plan)
{
    QList<int> out;
    for (const ShardStage &s : plan.stages) {
        out.append(s.layerCount());
    }
    return out;
}

/// Drags the boundary after stage `boundary` to `layer` with real mouse events on the bar.
void dragBoundary(ShardPlanBar *bar, int boundary, int layer)
{
    const int y = bar->barRect().center().y();
    const int from = bar->xForLayer(bar->plan().stages.at(boundary).lastLayer);
    const int to = bar->xForLayer(layer);
    QTest::mousePress(bar, Qt::LeftButton, {}, QPoint(from, y));
    QTest::mouseMove(bar, QPoint((from + to) / 2, y));
    QTest::mouseMove(bar, QPoint(to, y));
    QTest::mouseRelease(bar, Qt::LeftButton, {}, QPoint(to, y));
}

} // namespace

class tst_ShardConfigurator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void strategySwitchChangesPlan_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("fastLayers");
        QTest::addColumn<int>("slowLayers");
        QTest::addColumn<QString>("firstHost");
        QTest::newRow("layer") << int(ShardStrategy::Layer) << 6 << 6 << QStringLiteral("fast");
        QTest::newRow("browser") << int(ShardStrategy::Browser) << 6 << 6
                                 << QStringLiteral("fast"); // chromium first
        QTest::newRow("optimal") << int(ShardStrategy::Optimal) << 9 << 3 << QString();
    }
    void strategySwitchChangesPlan()
    {
        QFETCH(int, strategy);
        QFETCH(int, fastLayers);
        QFETCH(int, slowLayers);
        QFETCH(QString, firstHost);
        ShardConfigurator c;
        c.setPlannerOptions(zeroHop());
        c.setModel(facts12(), QStringLiteral("test"));
        // Listed slow first, so the layer strategy's order differs from the browser ranking.
        c.setHosts({host(QStringLiteral("slow"), HostKind::Firefox, 3.0, 500 * kMiB),
                    host(QStringLiteral("fast"), HostKind::Chromium, 1.0, 500 * kMiB)});
        QAbstractItemModelTester tester(c.hostModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const ShardStrategy other =
            ShardStrategy(strategy) == ShardStrategy::Optimal ? ShardStrategy::Layer : ShardStrategy::Optimal;
        c.setStrategy(other);
        const auto before = c.currentPlan();
        QVERIFY(before);
        QSignalSpy changed(&c, &ShardConfigurator::planChanged);
        c.setStrategy(ShardStrategy(strategy));
        QVERIFY(changed.count() >= 1);
        const auto plan = c.currentPlan();
        QVERIFY(plan);
        QCOMPARE(plan->strategy, ShardStrategy(strategy));
        QVERIFY(*plan != *before);
        QCOMPARE(plan->stages.at(plan->stageOfHost(QStringLiteral("fast"))).layerCount(), fastLayers);
        QCOMPARE(plan->stages.at(plan->stageOfHost(QStringLiteral("slow"))).layerCount(), slowLayers);
        if (ShardStrategy(strategy) == ShardStrategy::Layer) {
            QCOMPARE(plan->stages.at(0).hostId, QStringLiteral("slow")); // the given order
        } else if (!firstHost.isEmpty()) {
            QCOMPARE(plan->stages.at(0).hostId, firstHost);
        }
        QCOMPARE(c.bar()->plan(), *plan);
        QVERIFY(c.isApplyEnabled());
        QVERIFY(c.explanationText().contains(QStringLiteral("Bottleneck")));
        QVERIFY(c.errorText().isEmpty());
    }

    void draggingBoundaryMovesLayers()
    {
        ShardConfigurator c;
        c.setPlannerOptions(zeroHop());
        c.setModel(facts12(), QStringLiteral("test"));
        c.setHosts({host(QStringLiteral("a"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("b"), HostKind::Embedded, 1.0, 500 * kMiB)});
        c.setStrategy(ShardStrategy::Layer);
        c.resize(900, 400);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QCOMPARE(layerCounts(*c.currentPlan()), (QList<int>{6, 6}));
        QSignalSpy dragged(c.bar(), &ShardPlanBar::boundaryDragged);
        dragBoundary(c.bar(), 0, 4);
        QCOMPARE(dragged.count(), 1);
        QCOMPARE(dragged.at(0).at(1).toInt(), 4);
        QCOMPARE(c.strategy(), ShardStrategy::Manual);
        const auto plan = c.currentPlan();
        QVERIFY(plan);
        QCOMPARE(plan->strategy, ShardStrategy::Manual);
        QCOMPARE(layerCounts(*plan), (QList<int>{4, 8}));
        QCOMPARE(plan->hostIds(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        // A drag past the next boundary is clamped: every stage keeps at least one layer.
        dragBoundary(c.bar(), 0, 12);
        QCOMPARE(layerCounts(*c.currentPlan()), (QList<int>{11, 1}));
        // A click that is not on a boundary changes nothing.
        const int y = c.bar()->barRect().center().y();
        QTest::mouseClick(c.bar(), Qt::LeftButton, {}, QPoint(c.bar()->xForLayer(3), y));
        QCOMPARE(layerCounts(*c.currentPlan()), (QList<int>{11, 1}));
        QCOMPARE(dragged.count(), 2);
    }

    void invalidManualPlanShowsErrorAndDisablesApply()
    {
        ShardConfigurator c;
        c.setPlannerOptions(zeroHop());
        c.setModel(facts12(), QStringLiteral("test"));
        // small holds 4 layers as the last stage (41 MiB of 45).
        c.setHosts({host(QStringLiteral("big"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("small"), HostKind::Firefox, 1.0, 45 * kMiB)});
        c.setStrategy(ShardStrategy::Optimal);
        c.resize(900, 400);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QCOMPARE(c.currentPlan()->hostIds(), (QStringList{QStringLiteral("big"), QStringLiteral("small")}));
        QCOMPARE(layerCounts(*c.currentPlan()), (QList<int>{8, 4}));

        dragBoundary(c.bar(), 0, 6); // small would hold 6 layers = 61 MiB
        QVERIFY(!c.currentPlan());
        QCOMPARE(c.error().code, ShardErrorCode::MemoryExceeded);
        QCOMPARE(c.error().stage, 1);
        QVERIFY(c.errorText().contains(QStringLiteral("Stage 2")));
        QVERIFY(!c.isApplyEnabled());
        QCOMPARE(c.bar()->invalidStage(), 1);
        QCOMPARE(layerCounts(c.shownPlan()), (QList<int>{6, 6})); // the attempt is still drawn
        bool errorShown = false;
        for (QLabel *label : c.findChildren<QLabel *>()) {
            errorShown = errorShown || (label->isVisible() && label->text() == c.errorText());
        }
        QVERIFY(errorShown);
        QSignalSpy applied(&c, &ShardConfigurator::planApplied);
        QTest::mouseClick(c.applyButton(), Qt::LeftButton);
        QCOMPARE(applied.count(), 0);
        QVERIFY(!c.grab().isNull()); // the invalid plan paints

        dragBoundary(c.bar(), 0, 9); // back within memory
        QVERIFY(c.currentPlan());
        QVERIFY(c.isApplyEnabled());
        QVERIFY(c.errorText().isEmpty());
        QCOMPARE(c.bar()->invalidStage(), -1);
        QCOMPARE(layerCounts(*c.currentPlan()), (QList<int>{9, 3}));

        // Unchecking a host the manual plan uses makes it invalid too.
        c.setHostChecked(QStringLiteral("small"), false);
        QVERIFY(!c.currentPlan());
        QCOMPARE(c.error().code, ShardErrorCode::UnknownHost);
        QVERIFY(!c.isApplyEnabled());
    }

    void threadsPerStage_data()
    {
        QTest::addColumn<int>("set");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("text");
        QTest::newRow("auto") << 0 << 0 << QStringLiteral("Auto");
        QTest::newRow("one") << 1 << 1 << QStringLiteral("1");
        QTest::newRow("two") << 2 << 2 << QStringLiteral("2");
        QTest::newRow("maximum") << 64 << 64 << QStringLiteral("64");
        QTest::newRow("too many is clamped") << 65 << 64 << QStringLiteral("64");
        QTest::newRow("negative is auto") << -3 << 0 << QStringLiteral("Auto");
    }

    void threadsPerStage()
    {
        QFETCH(int, set);
        QFETCH(int, expected);
        QFETCH(QString, text);
        ShardConfigurator c;
        c.setPlannerOptions(zeroHop());
        c.setModel(facts12(), QStringLiteral("test"));
        c.setHosts({host(QStringLiteral("a"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("b"), HostKind::Embedded, 1.0, 500 * kMiB)});
        QCOMPARE(c.threadsPerStage(), 0); // auto by default: what hosts did before per-stage threads
        QSpinBox *spin = c.threadsSpinBox();
        QVERIFY(spin);
        QCOMPARE(spin->text(), QStringLiteral("Auto"));
        // The operator finds it by its label.
        bool labelled = false;
        for (QLabel *label : c.findChildren<QLabel *>()) {
            labelled =
                labelled || (label->buddy() == spin && label->text().contains(QLatin1String("hreads")));
        }
        QVERIFY(labelled);
        const std::optional<ShardPlan> before = c.currentPlan();
        QVERIFY(before);
        QSignalSpy changed(&c, &ShardConfigurator::threadsPerStageChanged);
        QSignalSpy planChanged(&c, &ShardConfigurator::planChanged);
        c.setThreadsPerStage(set);
        QCOMPARE(c.threadsPerStage(), expected);
        QCOMPARE(spin->text(), text);
        QCOMPARE(changed.count(), expected == 0 ? 0 : 1);
        // Threads do not change the layer split: the plan stays, and stays appliable.
        QCOMPARE(planChanged.count(), 0);
        QCOMPARE(*c.currentPlan(), *before);
        QVERIFY(c.isApplyEnabled());
    }

    void threadsPerStageByKeyboard()
    {
        ShardConfigurator c;
        QSpinBox *spin = c.threadsSpinBox();
        QSignalSpy changed(&c, &ShardConfigurator::threadsPerStageChanged);
        QTest::keyClick(spin, Qt::Key_Up);
        QCOMPARE(c.threadsPerStage(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toInt(), 1);
        QTest::keyClick(spin, Qt::Key_Up);
        QCOMPARE(c.threadsPerStage(), 2);
        QTest::keyClick(spin, Qt::Key_Down);
        QTest::keyClick(spin, Qt::Key_Down);
        QCOMPARE(c.threadsPerStage(), 0);
        QCOMPARE(spin->text(), QStringLiteral("Auto"));
        QTest::keyClick(spin, Qt::Key_Down); // below auto: stays auto
        QCOMPARE(c.threadsPerStage(), 0);
        QCOMPARE(changed.count(), 4);
    }

    void applyEmitsThePlan()
    {
        ShardConfigurator c;
        c.setPlannerOptions(zeroHop());
        c.setModel(facts12(), QStringLiteral("test"));
        c.setHosts({host(QStringLiteral("a"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("b"), HostKind::Embedded, 2.0, 500 * kMiB),
                    host(QStringLiteral("c"), HostKind::Firefox, -1, -1)});
        c.setStrategy(ShardStrategy::Optimal);
        c.setStageCount(2);
        QSignalSpy applied(&c, &ShardConfigurator::planApplied);
        QTest::mouseClick(c.applyButton(), Qt::LeftButton);
        QCOMPARE(applied.count(), 1);
        const ShardPlan plan = applied.at(0).at(0).value<ShardPlan>();
        QCOMPARE(plan, *c.currentPlan());
        QCOMPARE(plan.strategy, ShardStrategy::Optimal);
        QVERIFY(plan.stages.size() <= 2);
        QCOMPARE(plan.stages.size() + plan.spareHostIds.size(), 3);
        // After a manual change, Apply sends the manual plan.
        c.moveBoundary(0, plan.stages.size() == 2 ? plan.stages.at(0).lastLayer - 1 : 1);
        QTest::mouseClick(c.applyButton(), Qt::LeftButton);
        if (plan.stages.size() == 2) {
            QCOMPARE(applied.count(), 2);
            const ShardPlan manual = applied.at(1).at(0).value<ShardPlan>();
            QCOMPARE(manual.strategy, ShardStrategy::Manual);
            QCOMPARE(manual.stages.at(0).lastLayer, plan.stages.at(0).lastLayer - 1);
        }
    }

    void stageMenuMovesRangeAndKillsHost()
    {
        ShardConfigurator c;
        c.setPlannerOptions(zeroHop());
        c.setModel(facts12(), QStringLiteral("test"));
        c.setHosts({host(QStringLiteral("a"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("b"), HostKind::Embedded, 1.0, 500 * kMiB),
                    host(QStringLiteral("spare"), HostKind::Firefox, 1.0, 500 * kMiB)});
        c.setStrategy(ShardStrategy::Layer);
        c.setStageCount(2);
        QCOMPARE(c.currentPlan()->hostIds(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        std::unique_ptr<QMenu> menu(c.createStageMenu(1, nullptr));
        auto *toSpare = menu->findChild<QAction *>(QStringLiteral("move:spare"));
        QVERIFY(toSpare);
        QVERIFY(!menu->findChild<QAction *>(QStringLiteral("move:b"))); // not to itself
        toSpare->trigger();
        QCOMPARE(c.strategy(), ShardStrategy::Manual);
        QCOMPARE(c.currentPlan()->hostIds(), (QStringList{QStringLiteral("a"), QStringLiteral("spare")}));
        QCOMPARE(c.currentPlan()->spareHostIds, QStringList{QStringLiteral("b")});
        // Moving onto a host that holds another stage swaps them.
        menu.reset(c.createStageMenu(0, nullptr));
        menu->findChild<QAction *>(QStringLiteral("move:spare"))->trigger();
        QCOMPARE(c.currentPlan()->hostIds(), (QStringList{QStringLiteral("spare"), QStringLiteral("a")}));
        QSignalSpy kill(&c, &ShardConfigurator::killHostRequested);
        menu.reset(c.createStageMenu(1, nullptr));
        menu->findChild<QAction *>(QStringLiteral("kill"))->trigger();
        QCOMPARE(kill.count(), 1);
        QCOMPARE(kill.at(0).at(0).toString(), QStringLiteral("a"));
    }

    void liveLatenciesAndHostList()
    {
        ShardConfigurator c;
        c.setPlannerOptions(zeroHop());
        c.setModel(facts12(), QStringLiteral("test"));
        ShardHost down = host(QStringLiteral("down"), HostKind::Edge, 1.0, 500 * kMiB);
        down.usable = false;
        c.setHosts({host(QStringLiteral("a"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("b"), HostKind::Embedded, 1.0, 500 * kMiB), down});
        QAbstractItemModelTester tester(c.hostModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(c.checkedHostIds(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(!(c.hostModel()->flags(c.hostModel()->index(2, 0)) & Qt::ItemIsEnabled));
        c.setStrategy(ShardStrategy::Layer);
        c.setStageLatencies({1.5, 2.5});
        QCOMPARE(c.bar()->stageLatencies(), (QList<double>{1.5, 2.5}));
        QVERIFY(c.bar()->stageText(1).contains(QStringLiteral("2.50")));
        c.resize(800, 300);
        QVERIFY(!c.grab().isNull());
        // Unchecking b leaves one stage; new hosts keep the old check marks and arrive checked.
        c.setHostChecked(QStringLiteral("b"), false);
        QCOMPARE(c.currentPlan()->hostIds(), QStringList{QStringLiteral("a")});
        c.setHosts({host(QStringLiteral("a"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("b"), HostKind::Embedded, 1.0, 500 * kMiB),
                    host(QStringLiteral("new"), HostKind::Firefox, 1.0, 500 * kMiB)});
        QCOMPARE(c.checkedHostIds(), (QStringList{QStringLiteral("a"), QStringLiteral("new")}));
        c.setHostChecked(QStringLiteral("a"), false);
        c.setHostChecked(QStringLiteral("new"), false);
        QVERIFY(!c.currentPlan());
        QCOMPARE(c.error().code, ShardErrorCode::NoHosts);
        QVERIFY(!c.errorText().isEmpty());
        QVERIFY(!c.isApplyEnabled());
    }
    void paintsHostColoursAndScreenshot()
    {
        ShardConfigurator c;
        ShardPlannerOptions options;
        options.hop.fixedMs = 0.4;
        c.setPlannerOptions(options);
        c.setModel(facts12(), QStringLiteral("demo (random weights)"));
        c.setHosts({host(QStringLiteral("chromium-1"), HostKind::Chromium, 1.0, 500 * kMiB),
                    host(QStringLiteral("firefox-1"), HostKind::Firefox, 2.0, 500 * kMiB),
                    host(QStringLiteral("embedded-1"), HostKind::Embedded, -1, 500 * kMiB)});
        c.setStrategy(ShardStrategy::Optimal);
        c.setStageLatencies({3.1, 4.2, 2.9});
        c.resize(1000, 320);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        const QImage bar = c.bar()->grab().toImage();
        const ShardPlan &plan = c.bar()->plan();
        QVERIFY(plan.stages.size() >= 2);
        // Each segment is filled with its host's colour (lighter), so adjacent hosts differ.
        QList<QRgb> fills;
        for (const ShardStage &s : plan.stages) {
            const int x = (c.bar()->xForLayer(s.firstLayer) + c.bar()->xForLayer(s.lastLayer)) / 2;
            fills.append(bar.pixel(x, c.bar()->barRect().bottom() - 4));
        }
        for (int i = 1; i < fills.size(); ++i) {
            QVERIFY(fills[i] != fills[i - 1]);
        }
        const QString dir = qEnvironmentVariable("ACCEL_BUILD_DIR", QDir::currentPath());
        const QString path = QDir(dir).filePath(QStringLiteral("tst_ShardConfigurator.png"));
        QVERIFY2(c.grab().save(path), qPrintable(path));
    }
};

QTEST_MAIN(tst_ShardConfigurator)
#include "tst_ShardConfigurator.moc"
