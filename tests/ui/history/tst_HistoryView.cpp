#include "history/HistoryView.h"

#include "history/BrowserProfileTableModel.h"
#include "history/ChangePointTableModel.h"
#include "history/MetricsStore.h"
#include "history/SeriesAnalysisModel.h"
#include "history/SyntheticSeries.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTest>

using namespace accel;

class tst_HistoryView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsChangeAnomalyAndForecast()
    {
        MetricsStore::Options o;
        o.retentionIntervalMs = 0;
        MetricsStore store(QStringLiteral(":memory:"), o, nullptr, 1'700'000'000'000);
        QVERIFY(store.open());
        SyntheticSeries gen(9);
        const auto s = gen.make(300, 50.0, 1.0, SyntheticSeries::Noise::Gaussian, {200}, {8.0}, {100}, 15.0);
        for (size_t i = 0; i < s.values.size(); ++i) {
            MetricSample m;
            m.metric = QStringLiteral("pool.latency.p95");
            m.tags.host = i % 2 ? QStringLiteral("h1") : QStringLiteral("h1"); // one host
            m.tags.browser = QStringLiteral("chromium");
            m.tags.browserVersion = QStringLiteral("156");
            m.timestampMs = 1'700'000'000'000 + qint64(i) * 60'000;
            m.value = s.values[i];
            store.record(m);
        }
        MetricSample other;
        other.metric = QStringLiteral("pool.latency.p95");
        other.tags.host = QStringLiteral("h2");
        other.tags.browser = QStringLiteral("firefox");
        other.timestampMs = 1'700'000'000'000;
        other.value = 1.0;
        store.record(other);
        QVERIFY(store.flush());

        ui::HistoryView view(&store);
        QAbstractItemModelTester t1(view.seriesModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(view.changeModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.resize(1000, 600);
        view.show();
        QSignalSpy spy(&view, &ui::HistoryView::refreshed);
        view.setMetric(QStringLiteral("pool.latency.p95"));
        QTRY_VERIFY_WITH_TIMEOUT(view.refreshCount() >= 1, 20000);
        // Both hosts merged ("any"): 301 points; the stray firefox point is at the start.
        QCOMPARE(view.seriesModel()->pointRows(), 301);

        // Narrow to chromium: exactly the synthetic series.
        auto *browser = view.findChildren<QComboBox *>().at(2);
        const int chromium = browser->findData(QStringLiteral("chromium 156"));
        QVERIFY(chromium > 0);
        const int before = view.refreshCount();
        browser->setCurrentIndex(chromium);
        QTRY_VERIFY_WITH_TIMEOUT(view.refreshCount() > before, 20000);
        QCOMPARE(view.seriesModel()->pointRows(), 300);
        QCOMPARE(view.changeModel()->rowCount(), 1);
        QCOMPARE(view.changeModel()->index(0, ChangePointTableModel::Index).data().toInt(), 200);
        QCOMPARE(view.changeModel()->regressionCount(), 1); // latency up = worse
        QCOMPARE(view.seriesModel()->rowCount(), 300 + 10); // + forecast steps
        const QByteArray csv = view.seriesModel()->toCsv();
        QCOMPARE(csv.count('\n'), 1 + 310);

        int changeMarkers = -1;
        int anomalyMarkers = -1;
        for (QAbstractSeries *series : view.chart()->series()) {
            if (auto *sc = qobject_cast<QScatterSeries *>(series)) {
                (sc->name() == QStringLiteral("Change point") ? changeMarkers : anomalyMarkers) =
                    int(sc->count());
            }
        }
        QCOMPARE(changeMarkers, 1);
        QCOMPARE(anomalyMarkers, 1);
        QVERIFY(!view.grab().isNull());
    }

    void profileTableShowsTheWinner()
    {
        MetricsStore store(QStringLiteral(":memory:"), MetricsStore::Options(), nullptr, 1'700'000'000'000);
        QVERIFY(store.open());
        for (int i = 0; i < 30; ++i) {
            for (const auto &[browser, ms] :
                 {std::pair{QStringLiteral("chromium"), 20.0}, std::pair{QStringLiteral("firefox"), 35.0}}) {
                MetricSample s;
                s.metric = QStringLiteral("pool.latency.p50");
                s.tags.browser = browser;
                s.tags.backend = QStringLiteral("webgpu");
                s.tags.model = QStringLiteral("llama");
                s.timestampMs = 1'700'000'000'000 + i * 1000;
                s.value = ms + i % 4;
                store.record(s);
            }
        }
        QVERIFY(store.flush());
        ui::HistoryView view(&store);
        QAbstractItemModelTester tester(view.profileModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setMetric(QStringLiteral("pool.latency.p50"));
        QTRY_VERIFY_WITH_TIMEOUT(view.profileRefreshCount() >= 1 && view.refreshCount() >= 1, 20000);
        QCOMPARE(view.profileModel()->rowCount(), 1);
        QCOMPARE(view.profileModel()->index(0, BrowserProfileTableModel::Winner).data().toString(),
                 QStringLiteral("chromium/webgpu"));
        QCOMPARE(view.profileModel()->index(0, BrowserProfileTableModel::Used).data().toString(),
                 QStringLiteral("yes"));
    }

    void emptyMetricAndNoStore()
    {
        MetricsStore store(QStringLiteral(":memory:"), MetricsStore::Options(), nullptr, 1'700'000'000'000);
        QVERIFY(store.open());
        ui::HistoryView view(&store);
        view.setMetric(QStringLiteral("cluster.flakiness"));
        QTRY_VERIFY_WITH_TIMEOUT(view.refreshCount() >= 1, 20000);
        QCOMPARE(view.seriesModel()->rowCount(), 0);
        QCOMPARE(view.changeModel()->rowCount(), 0);

        ui::HistoryView detached(nullptr);
        QVERIFY(!detached.isEnabled());
        detached.refresh(); // no store: nothing happens, nothing crashes
        QCOMPARE(detached.refreshCount(), 0);
    }
};

QTEST_MAIN(tst_HistoryView)
#include "tst_HistoryView.moc"
