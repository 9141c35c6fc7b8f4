// The demo model split across several real hosts (embedded QtWebEngine helper processes, headless
// Chromium, Firefox) by PipelineExecutor: sharded answers equal the single-host native reference;
// fault drills under a steady request stream — kill -9 of a browser, a killed embedded renderer,
// no spare at all — complete every request exactly once and correctly, and the recovery time
// (detection to first replayed answer) is measured.
#include "../HostTestSupport.h"
#include "common/Clock.h"
#include "history/MetricsStore.h"
#include "hosts/HostSession.h"
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "model/ReferenceCheck.h"
#include "model/ReferenceRunner.h"
#include "pool/HostInstance.h"
#include "pool/StandaloneHosts.h"
#include "sharding/PipelineExecutor.h"
#include "sharding/PipelineMetrics.h"
#include "sharding/ShardPlanner.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <map>
#include <memory>

#include <signal.h>

using namespace accel;

Q_DECLARE_METATYPE(accel::HostKind)
Q_DECLARE_METATYPE(accel::ShardStrategy)

namespace {

constexpr int kConnectTimeoutMs = 60000;
constexpr double kTolerance = 1e-4;

using testsupport::relError;

// Grandchildren of `root` whose command line contains `needle`. QtWebEngine's renderers are forked
// by a zygote (a child of the browser process) and keep the zygote's command line.
QList<qint64> grandchildrenMatching(qint64 root, const QByteArray &needle)
{
    std::map<qint64, qint64> parent;
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (stat.open(QIODevice::ReadOnly)) {
            const QByteArray line = stat.readAll();
            const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
            if (fields.size() > 1) {
                parent[pid.toLongLong()] = fields.at(1).toLongLong();
            }
        }
    }
    QList<qint64> out;
    for (const auto &[pid, ppid] : parent) {
        const auto grand = parent.find(ppid);
        if (ppid == root || grand == parent.end() || grand->second != root) {
            continue;
        }
        QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmd.open(QIODevice::ReadOnly) && cmd.readAll().contains(needle)) {
            out.append(pid);
        }
    }
    return out;
}

} // namespace

class tst_Pipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        ModelError error;
        auto weights = std::make_shared<ModelWeights>();
        QVERIFY2(DemoModel::load(weights.get(), &error), qPrintable(error.message));
        m_weights = weights;
        // Inputs of different lengths and their single-host native answers (all 4 layers).
        ReferenceRunner reference(*m_weights);
        for (int n : {1, 5, 16, 33}) {
            std::vector<int> tokens;
            for (int i = 0; i < n; ++i) {
                tokens.push_back((i * 37 + n * 11) % DemoModel::config().vocabSize);
            }
            std::vector<float> hidden;
            QVERIFY(reference.embed(tokens, &hidden, &error));
            QVERIFY(reference.runLayers(&hidden, n, 0, DemoModel::config().layerCount, &error));
            m_inputs.push_back(tokens);
            m_expected.push_back(hidden);
        }
    }

    void init()
    {
        RuntimeServerConfig config;
        config.heartbeatIntervalMs = 250;
        config.heartbeatTimeoutMs = 3000;
        m_server = std::make_unique<RuntimeServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_hosts = std::make_unique<StandaloneHosts>(m_server.get());
        m_finished.clear();
        m_failed.clear();
    }

    void cleanup()
    {
        m_executor.reset();
        m_hosts.reset();
        m_server.reset();
    }

    void shardedEqualsReference_data()
    {
        QTest::addColumn<QList<HostKind>>("kinds");
        QTest::addColumn<QList<int>>("bounds"); // stage boundaries after layer 0
        QTest::newRow("2 stages: embedded + chromium")
            << QList<HostKind>{HostKind::Embedded, HostKind::Chromium} << QList<int>{2};
        QTest::newRow("3 stages: chromium + embedded + firefox, uneven")
            << QList<HostKind>{HostKind::Chromium, HostKind::Embedded, HostKind::Firefox} << QList<int>{1, 3};
        QTest::newRow("4 stages: embedded x2 + chromium + firefox")
            << QList<HostKind>{HostKind::Embedded, HostKind::Embedded, HostKind::Chromium, HostKind::Firefox}
            << QList<int>{1, 2, 3};
    }

    void shardedEqualsReference()
    {
        QFETCH(QList<HostKind>, kinds);
        QFETCH(QList<int>, bounds);
        QStringList ids;
        for (HostKind kind : kinds) {
            ids << launch(kind);
            if (ids.last().isEmpty()) {
                return;
            }
        }
        QList<PipelineStage> stages;
        int first = 0;
        for (int i = 0; i < ids.size(); ++i) {
            const int last = i < bounds.size() ? bounds[i] : DemoModel::config().layerCount;
            stages.append({ids[i], first, last, QStringLiteral("auto")});
            first = last;
        }
        QVERIFY(startPipeline(stages, {}));
        // Observations go to the performance history.
        QTemporaryDir dir;
        MetricsStore store(dir.filePath(QStringLiteral("metrics.sqlite")));
        QVERIFY(store.open());
        PipelineMetrics metrics(m_executor.get(), &store, QStringLiteral("demo"));
        std::map<quint64, int> which;
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < int(m_inputs.size()); ++i) {
                which[m_executor->submit(m_inputs[std::size_t(i)])] = i;
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(m_finished.size()), int(which.size()), 120000);
        QVERIFY(m_failed.isEmpty());
        for (const auto &[id, input] : which) {
            QVERIFY(m_finished.contains(id));
            const double rel = relError(m_finished.value(id), m_expected[std::size_t(input)]);
            QVERIFY2(rel <= kTolerance, qPrintable(QStringLiteral("request %1 rel %2").arg(id).arg(rel)));
        }
        QCOMPARE(m_executor->pendingRequests(), 0);
        const auto stats = m_executor->stageStats();
        QCOMPARE(stats.size(), stages.size());
        for (const auto &s : stats) {
            QCOMPARE(s.runs, qint64(which.size()));
            QVERIFY(s.bytesSent > 0);
        }
        QVERIFY(store.flush());
        MetricQuery query;
        query.metric = QStringLiteral("sharding.stage_latency");
        QCOMPARE(store.query(query).size(), int(which.size()) * int(stages.size()));
        query.metric = QStringLiteral("sharding.request_latency");
        QCOMPARE(store.query(query).size(), int(which.size()));
        query.metric = QStringLiteral("sharding.stage_ms_per_layer");
        query.tags.host = ids.first();
        QCOMPARE(store.query(query).size(), int(which.size()));
    }

    void plannedStrategiesEqualReference_data()
    {
        QTest::addColumn<ShardStrategy>("strategy");
        QTest::newRow("layer") << ShardStrategy::Layer;
        QTest::newRow("browser") << ShardStrategy::Browser;
        QTest::newRow("optimal") << ShardStrategy::Optimal;
    }

    void plannedStrategiesEqualReference()
    {
        // ShardPlanner decides the stages over embedded + Chromium + Firefox hosts (speed hints
        // make the optimal plan uneven); every plan's answers equal the single-host reference.
        QFETCH(ShardStrategy, strategy);
        QList<ShardHost> hosts;
        const QList<QPair<HostKind, double>> kinds{
            {HostKind::Embedded, 1.0}, {HostKind::Chromium, 2.5}, {HostKind::Firefox, 1.5}};
        for (const auto &[kind, ms] : kinds) {
            const QString id = launch(kind);
            if (id.isEmpty()) {
                return;
            }
            ShardHost h;
            h.id = id;
            h.kind = kind;
            h.msPerLayer = ms;
            hosts.append(h);
        }
        ShardPlannerOptions options;
        options.strategy = strategy;
        options.stageCount = 3;
        options.exactStageCount = true;
        ShardError error;
        const auto plan =
            ShardPlanner(ShardModelFacts::fromConfig(m_weights->config()), options).plan(hosts, &error);
        QVERIFY2(plan, qPrintable(error.message));
        QList<PipelineStage> stages;
        for (const ShardStage &st : plan->stages) {
            stages.append({st.hostId, st.firstLayer, st.lastLayer, QStringLiteral("auto")});
        }
        QCOMPARE(stages.size(), 3);
        QVERIFY(startPipeline(stages, plan->spareHostIds));
        std::map<quint64, int> which;
        for (int i = 0; i < int(m_inputs.size()); ++i) {
            which[m_executor->submit(m_inputs[std::size_t(i)])] = i;
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(m_finished.size()), int(which.size()), 120000);
        QVERIFY(m_failed.isEmpty());
        for (const auto &[id, input] : which) {
            const double rel = relError(m_finished.value(id), m_expected[std::size_t(input)]);
            QVERIFY2(rel <= kTolerance, qPrintable(QStringLiteral("request %1 rel %2").arg(id).arg(rel)));
        }
    }

    void badPlansAreRefused()
    {
        const QString a = launch(HostKind::Embedded);
        if (a.isEmpty()) {
            return;
        }
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        PipelineExecutor executor(m_server.get(), package, {}, Clock::system());
        QString error;
        QVERIFY(!executor.start({}, {}, &error));
        QVERIFY(!executor.start({{a, 0, 2, {}}}, {}, &error)); // does not cover 4 layers
        QVERIFY(error.contains(QLatin1String("0:2")));
        QVERIFY(!executor.start({{a, 0, 2, {}}, {a, 3, 4, {}}}, {}, &error)); // gap
        QVERIFY(!executor.start({{QStringLiteral("nobody"), 0, 4, {}}}, {}, &error));
        QVERIFY(error.contains(QLatin1String("nobody")));
        for (const int threads : {-1, 65}) { // 0 = auto, 1..64 = exact
            QVERIFY(!executor.start({{a, 0, 4, {}, threads}}, {}, &error));
            QVERIFY2(error.contains(QLatin1String("threads")) && error.contains(QString::number(threads)),
                     qPrintable(error));
        }
        QCOMPARE(executor.submit({1, 2}), quint64(0)); // not started
    }

    // Direct hops: pages of one browser profile (embedded hosts in one helper process) hand each
    // activation page to page over a link; the answers stay those of the reference.
    void directHopsEqualReference()
    {
        m_hosts->setEmbeddedInOneBrowser(true);
        QStringList ids;
        for (int i = 0; i < 3; ++i) {
            ids << launch(HostKind::Embedded);
            if (ids.last().isEmpty()) {
                return;
            }
        }
        QVERIFY(startPipeline({{ids[0], 0, 1, QStringLiteral("auto")},
                               {ids[1], 1, 3, QStringLiteral("auto")},
                               {ids[2], 3, 4, QStringLiteral("auto")}},
                              {}));
        QTRY_COMPARE_WITH_TIMEOUT(
            hops(), (QStringList{QStringLiteral("direct"), QStringLiteral("direct"), QString()}), 15000);
        std::map<quint64, int> which;
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < int(m_inputs.size()); ++i) {
                which[m_executor->submit(m_inputs[std::size_t(i)])] = i;
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(m_finished.size() + m_failed.size()), int(which.size()), 120000);
        QVERIFY2(m_failed.isEmpty(), qPrintable(m_failed.values().join(QLatin1String("; "))));
        for (const auto &[id, input] : which) {
            const double rel = relError(m_finished.value(id), m_expected[std::size_t(input)]);
            QVERIFY2(rel <= kTolerance, qPrintable(QStringLiteral("request %1 rel %2").arg(id).arg(rel)));
        }
        QCOMPARE(m_duplicates, 0);
        const auto stats = m_executor->stageStats();
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(stats[i].runs, qint64(which.size())); // the app got every stage's output
        }
        // Both hops went page to page; a run whose next stage already had a full window of 4
        // went through the app instead (12 requests at once mix both paths).
        QVERIFY(stats[0].linkedRuns > 0 && stats[1].linkedRuns > 0);
        QVERIFY(stats[0].linkedRuns <= qint64(which.size()) && stats[1].linkedRuns <= qint64(which.size()));
        QCOMPARE(m_executor->pendingRequests(), 0);
    }

    // Pages of different browsers (here two embedded helper processes, each its own profile)
    // cannot link: the hop goes through the app, the reason is kept, the answers are the same.
    void directHopsNeedOneBrowser()
    {
        const QString a = launch(HostKind::Embedded);
        const QString b = launch(HostKind::Embedded);
        if (a.isEmpty() || b.isEmpty()) {
            return;
        }
        QVERIFY(startPipeline({{a, 0, 2, QStringLiteral("auto")}, {b, 2, 4, QStringLiteral("auto")}}, {}));
        QTRY_VERIFY_WITH_TIMEOUT(!m_executor->stageStats().at(0).hopReason.isEmpty(), 15000);
        const auto st = m_executor->stageStats().at(0);
        QCOMPARE(st.hop, QStringLiteral("relay"));
        QVERIFY2(st.hopReason.contains(QLatin1String("no page in this browser profile")),
                 qPrintable(st.hopReason));
        std::map<quint64, int> which;
        for (int i = 0; i < int(m_inputs.size()); ++i) {
            which[m_executor->submit(m_inputs[std::size_t(i)])] = i;
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(m_finished.size() + m_failed.size()), int(which.size()), 120000);
        QVERIFY(m_failed.isEmpty());
        for (const auto &[id, input] : which) {
            QVERIFY(relError(m_finished.value(id), m_expected[std::size_t(input)]) <= kTolerance);
        }
        QCOMPARE(m_executor->stageStats().at(0).linkedRuns, qint64(0));
    }

    // Bad links are refused with the request's id and a reason; nothing runs on a guess.
    void linkErrorsAreReported()
    {
        m_hosts->setEmbeddedInOneBrowser(true);
        const QString a = launch(HostKind::Embedded);
        if (a.isEmpty()) {
            return;
        }
        HostSession *session = m_hosts->session(a);
        QSignalSpy errors(session, &HostSession::hostError);
        QSignalSpy linked(session, &HostSession::linked);
        const quint64 toNobody =
            session->requestLink(QStringLiteral("embedded-nobody"), QStringLiteral("l1"));
        const quint64 toItself = session->requestLink(a, QStringLiteral("l2"));
        QVERIFY(toNobody != 0 && toItself != 0);
        QCOMPARE(session->requestLink(QString(), QStringLiteral("l3")), quint64(0));
        QCOMPARE(session->requestLink(a, QString(129, QLatin1Char('x'))), quint64(0));
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 2, 15000);
        QMap<quint64, QString> messages;
        for (const auto &e : std::as_const(errors)) {
            QCOMPARE(e.at(1).toString(), QStringLiteral("link_unavailable"));
            messages.insert(e.at(0).toULongLong(), e.at(2).toString());
        }
        QVERIFY2(messages.value(toNobody).contains(QLatin1String("no page in this browser profile")),
                 qPrintable(messages.value(toNobody)));
        QVERIFY2(messages.value(toItself).contains(QLatin1String("itself")),
                 qPrintable(messages.value(toItself)));
        QCOMPARE(linked.count(), 0);

        // A run naming a link the page does not have fails with unknown_link, before computing.
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        HostModelClient client(session, package);
        QSignalSpy deployed(&client, &HostModelClient::deployed);
        ModelError error;
        QVERIFY(client.deploy(0, 2, true, QStringLiteral("auto"), &error));
        QVERIFY(deployed.wait(120000));
        QSignalSpy failed(&client, &HostModelClient::failed);
        QSignalSpy finished(&client, &HostModelClient::finished);
        const QJsonObject forward{
            {QStringLiteral("link"), QStringLiteral("never-attached")},
            {QStringLiteral("run"), QJsonObject{{QStringLiteral("id"), 77},
                                                {QStringLiteral("model"), QStringLiteral("demo")},
                                                {QStringLiteral("firstLayer"), 2},
                                                {QStringLiteral("lastLayer"), 3}}}};
        const quint64 id = client.runTokens(m_inputs[1], forward);
        QVERIFY(id != 0);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
        QCOMPARE(failed.at(0).at(0).toULongLong(), id);
        QCOMPARE(failed.at(0).at(1).toString(), QStringLiteral("unknown_link"));
        QCOMPARE(finished.count(), 0);
        // The page goes on serving plain runs.
        QVERIFY(client.runTokens(m_inputs[1]) != 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    }

    void faultDrill_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<bool>("spare");
        QTest::addColumn<int>("threads"); // per stage; a moved stage keeps its count
        QTest::addColumn<int>("victimStage");
        QTest::newRow("kill -9 chromium, warm spare, 1 thread per stage")
            << QStringLiteral("kill-browser") << true << 1 << 1;
        QTest::newRow("embedded renderer killed, warm spare")
            << QStringLiteral("kill-renderer") << true << 0 << 1;
        QTest::newRow("kill -9 chromium, no spare, 1 thread per stage")
            << QStringLiteral("kill-browser") << false << 1 << 1;
        // One browser, direct hops: the page receiving the hop dies, then the page sending it.
        QTest::newRow("direct hop, receiving page's renderer killed, warm spare")
            << QStringLiteral("kill-tab") << true << 1 << 1;
        QTest::newRow("direct hop, sending page's renderer killed, warm spare")
            << QStringLiteral("kill-tab") << true << 1 << 0;
    }

    void faultDrill()
    {
        QFETCH(QString, fault);
        QFETCH(bool, spare);
        QFETCH(int, threads);
        QFETCH(int, victimStage);
        const bool browser = fault == QLatin1String("kill-browser");
        const bool tab = fault == QLatin1String("kill-tab");
        m_hosts->setEmbeddedInOneBrowser(tab);
        const HostKind survivorKind = browser || tab ? HostKind::Embedded : HostKind::Chromium;
        const QString a = launch(survivorKind);
        const QString victim = launch(browser ? HostKind::Chromium : HostKind::Embedded);
        const QString s = spare ? launch(HostKind::Embedded) : QString();
        if (a.isEmpty() || victim.isEmpty() || (spare && s.isEmpty())) {
            return;
        }
        QStringList order{a, victim};
        if (victimStage == 0) {
            order = QStringList{victim, a};
        }
        QVERIFY(startPipeline({{order[0], 0, 2, QStringLiteral("auto"), threads},
                               {order[1], 2, 4, QStringLiteral("auto"), threads}},
                              spare ? QStringList{s} : QStringList{}));
        if (tab) {
            QTRY_COMPARE_WITH_TIMEOUT(m_executor->stageStats().at(0).hop, QStringLiteral("direct"), 15000);
        }
        QSignalSpy recovered(m_executor.get(), &PipelineExecutor::recovered);
        // A steady stream: one request every 30 ms, 60 in all; the fault hits after 10 answers.
        constexpr int kRequests = 60;
        std::map<quint64, int> which;
        QTimer feeder;
        feeder.setInterval(30);
        int submitted = 0;
        connect(&feeder, &QTimer::timeout, this, [&] {
            const int input = submitted % int(m_inputs.size());
            which[m_executor->submit(m_inputs[std::size_t(input)])] = input;
            if (++submitted == kRequests) {
                feeder.stop();
            }
        });
        feeder.start();
        QTRY_VERIFY_WITH_TIMEOUT(m_finished.size() >= 10, 60000);
        QElapsedTimer sinceFault;
        sinceFault.start();
        const qint64 pid = m_hosts->instance(victim)->processId();
        if (browser) {
            QVERIFY(::kill(pid_t(-pid), SIGKILL) == 0); // the whole browser process group
        } else if (tab) {
            QVERIFY(pid > 0);
            QVERIFY(::kill(pid_t(pid), SIGKILL) == 0); // the page's renderer: a tab crash
        } else {
            const QList<qint64> renderers = grandchildrenMatching(pid, "QtWebEngineProcess");
            QVERIFY2(!renderers.isEmpty(), "no QtWebEngine renderer process found under the helper");
            for (qint64 r : renderers) {
                QVERIFY(::kill(pid_t(r), SIGKILL) == 0);
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(m_finished.size() + m_failed.size()), kRequests, 120000);
        QVERIFY2(m_failed.isEmpty(), qPrintable(m_failed.values().join(QLatin1String("; "))));
        QCOMPARE(int(which.size()), kRequests);
        for (const auto &[id, input] : which) {
            const double rel = relError(m_finished.value(id), m_expected[std::size_t(input)]);
            QVERIFY2(rel <= kTolerance, qPrintable(QStringLiteral("request %1 rel %2").arg(id).arg(rel)));
        }
        QCOMPARE(m_duplicates, 0);
        QVERIFY(recovered.count() >= 1);
        const qint64 recoveryMs = recovered.at(0).at(2).toLongLong();
        const QString newHost = recovered.at(0).at(1).toString();
        QVERIFY(newHost != victim);
        if (spare) {
            QCOMPARE(newHost, s);
        } else {
            QCOMPARE(newHost, a); // the surviving host now holds both ranges
        }
        // The moved stage keeps its thread count on the new host.
        QCOMPARE(m_executor->stages().at(victimStage).hostId, newHost);
        QCOMPARE(m_executor->stages().at(victimStage).threads, threads);
        if (tab) { // the spare is a page of the same browser: its hop is direct again
            QTRY_COMPARE_WITH_TIMEOUT(m_executor->stageStats().at(0).hop, QStringLiteral("direct"), 15000);
            QVERIFY(m_executor->stageStats().at(0).linkedRuns > 0);
        }
        if (threads > 0) { // what the new host's page really runs
            const auto stats = m_executor->stageStats();
            QCOMPARE(stats.at(1).threads, threads);
            QCOMPARE(stats.at(0).threads, threads);
        }
        qInfo().noquote() << QStringLiteral("%1: recovery %2 ms (detection to first replayed answer), all %3 "
                                            "requests answered once, %4 ms after the fault")
                                 .arg(QString::fromLatin1(QTest::currentDataTag()))
                                 .arg(recoveryMs)
                                 .arg(kRequests)
                                 .arg(sinceFault.elapsed());
        if (spare) {
            QVERIFY2(recoveryMs < 2000, qPrintable(QStringLiteral("recovery took %1 ms").arg(recoveryMs)));
        }
    }

private:
    QString launch(HostKind kind) { return testsupport::launchOrSkip(*m_hosts, kind, kConnectTimeoutMs); }

    QStringList hops() const
    {
        QStringList out;
        for (const auto &st : m_executor->stageStats()) {
            out << st.hop;
        }
        return out;
    }

    bool startPipeline(const QList<PipelineStage> &stages, const QStringList &spares)
    {
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        PipelineExecutor::Config config;
        config.stageTimeoutMs = 20000;
        m_executor = std::make_unique<PipelineExecutor>(m_server.get(), package, config, Clock::system());
        connect(m_executor.get(), &PipelineExecutor::requestFinished, this,
                [this](quint64 id, const QByteArray &hidden) {
                    if (m_finished.contains(id) || m_failed.contains(id)) {
                        ++m_duplicates;
                    }
                    m_finished.insert(id, hidden);
                });
        connect(m_executor.get(), &PipelineExecutor::requestFailed, this,
                [this](quint64 id, const QString &why) { m_failed.insert(id, why); });
        connect(m_executor.get(), &PipelineExecutor::recoveryEvent, this,
                [](const QString &text) { qInfo().noquote() << "recovery:" << text; });
        QSignalSpy ready(m_executor.get(), &PipelineExecutor::ready);
        QSignalSpy failed(m_executor.get(), &PipelineExecutor::startFailed);
        QString error;
        if (!m_executor->start(stages, spares, &error)) {
            qWarning() << "start refused:" << error;
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (ready.isEmpty() && failed.isEmpty() && timer.elapsed() < 180000) {
            ready.wait(200);
        }
        if (!failed.isEmpty()) {
            qWarning() << "start failed:" << failed.at(0).at(0).toString();
        }
        // Spares are deployed lazily; warm their page (and chunk cache) with the model once so a
        // recovery only loads weights from the cache.
        for (const QString &spare : spares) {
            HostModelClient warm(m_hosts->session(spare), package);
            QSignalSpy deployed(&warm, &HostModelClient::deployed);
            ModelError e;
            if (!warm.deploy(0, package->layerCount(), true, QStringLiteral("auto"), &e) ||
                !deployed.wait(120000)) {
                qWarning() << "spare" << spare << "did not warm up";
                return false;
            }
        }
        return ready.count() == 1;
    }

    std::shared_ptr<const ModelWeights> m_weights;
    std::vector<std::vector<int>> m_inputs;
    std::vector<std::vector<float>> m_expected;
    std::unique_ptr<RuntimeServer> m_server;
    std::unique_ptr<StandaloneHosts> m_hosts;
    std::unique_ptr<PipelineExecutor> m_executor;
    QHash<quint64, QByteArray> m_finished;
    QHash<quint64, QString> m_failed;
    int m_duplicates = 0;
};

QTEST_GUILESS_MAIN(tst_Pipeline)
#include "tst_Pipeline.moc"
