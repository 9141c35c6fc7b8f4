#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>

#include <deque>
#include <map>
#include <memory>
#include <vector>

class QTimer;

namespace accel {

class Clock;
class HostModelClient;
class ModelPackage;
class ResourcePool;
class RuntimeServer;

/// One stage of a pipeline: blocks [firstLayer, lastLayer) of the model on one host. Stage 0 also
/// embeds the token ids.
struct PipelineStage
{
    QString hostId;
    int firstLayer = 0;
    int lastLayer = 0;
    QString backend = QStringLiteral("auto");
    /// Compute threads on the host (0 = auto: the page uses every hardware thread it can). Several
    /// stages sharing a machine's cores each get their own with N > 0. Kept when the stage moves.
    int threads = 0;
};

/// Runs requests (token ids) through a model split into stages on several hosts, streaming each
/// request's activations stage to stage as binary frames (host protocol `run`).
///
/// Pipelining: every request is its own micro-batch (attention mixes positions, so requests are
/// not concatenated); up to `maxInFlightPerStage` requests are outstanding on each stage, so while
/// stage k runs request i, stage k-1 already runs request i+1. Each request's hidden state after
/// its last completed stage is kept until the next stage answers: that is what a recovery replays.
///
/// Fault tolerance, in the order of the recovery ladder: a failed or timed-out run is retried in
/// place (`maxRetriesInPlace`); a lost host (session closed, SIGKILL, renderer crash), an open
/// breaker or repeated failures move the stage to a spare host (or, without spares, onto another
/// connected host, which then holds two ranges), the stage is redeployed there (weights from the
/// page's chunk cache when it has them) and every request pending at that stage is replayed from
/// its last completed stage. Without any usable host the requests wait until a host connects.
/// Each request ends exactly once: `requestFinished`, or `requestFailed` after `maxAttempts` tries
/// of one stage. Late answers from abandoned attempts are ignored by their host request id.
///
/// Thread: the server's. Times come from `clock` (ms).
class PipelineExecutor : public QObject
{
    Q_OBJECT
public:
    struct Config
    {
        int stageTimeoutMs = 30000;   ///< one run on one stage
        int maxRetriesInPlace = 1;    ///< retries on the same host before moving the stage
        int maxAttempts = 6;          ///< total tries of one request on one stage
        int maxInFlightPerStage = 4;  ///< requests outstanding per stage (the pipelining window)
        int deployTimeoutMs = 180000; ///< a (re)deployment that takes longer tries the next host
        /// Direct hops: where two adjacent stages' pages share a browser profile, the first hands
        /// its output straight to the second over a link (a MessagePort between their compute
        /// workers) and the app gets a copy for replay. Elsewhere activations go through the app.
        bool directHops = true;
        /// Every run is timed by its page (HostSession::runTimed; off by default).
        bool timing = false;
    };
    enum class State { Idle = 1, Deploying, Ready, Recovering, Failed };
    Q_ENUM(State)

    struct StageStats
    {
        QString hostId;
        int firstLayer = 0;
        int lastLayer = 0;
        QString backend;
        int threads = 0; ///< compute threads the host reported for the stage (modelReady.threads)
        bool ready = false;
        qint64 runs = 0;
        double lastMs = 0;
        double meanMs = 0; ///< exponential moving average (alpha 0.2)
        int queued = 0;
        int inFlight = 0;
        qint64 bytesSent = 0;     ///< activation + token bytes sent to this stage
        qint64 bytesReceived = 0; ///< activation bytes received from it
        int recoveries = 0;
        /// How this stage's output reaches the next stage: "direct" (page to page over a link),
        /// "relay" (through the app); empty for the last stage.
        QString hop;
        QString hopReason;     ///< why a hop is relayed (e.g. the pages are in different browsers)
        qint64 linkedRuns = 0; ///< runs whose output went to the next stage over the link
    };

    PipelineExecutor(RuntimeServer *server, std::shared_ptr<ModelPackage> package, Config config,
                     const Clock *clock, QObject *parent = nullptr);
    ~PipelineExecutor() override;

    /// Optional: ask each host's breaker before a run and record every outcome, so the pool's
    /// health scores and breakers see pipeline traffic.
    void setPool(ResourcePool *pool);

    /// Deploys every stage (emits ready() or startFailed()). Stages must be contiguous and cover
    /// all layers. `spares`: connected hosts kept for recovery.
    bool start(const QList<PipelineStage> &stages, const QStringList &spares, QString *error);
    /// Queues one request; returns its id (0 when the executor is not started or tokens are empty).
    quint64 submit(const std::vector<int> &tokens);

    State state() const { return m_state; }
    QList<PipelineStage> stages() const;
    QList<StageStats> stageStats() const;
    QStringList spares() const { return m_spares; }
    int pendingRequests() const { return int(m_requests.size()); }
    qint64 completedRequests() const { return m_completed; }

    static QString stateName(State state);

Q_SIGNALS:
    void stateChanged(accel::PipelineExecutor::State state);
    void ready();
    void startFailed(const QString &message);
    /// hidden: float32 [seqLen, hiddenSize] after the last layer (before the final norm).
    void requestFinished(quint64 requestId, const QByteArray &hidden, int seqLen, qint64 latencyMs);
    void requestFailed(quint64 requestId, const QString &message);
    void stageCompleted(int stageIndex, double ms);
    /// Human-readable recovery steps (retry, host lost, moved, redeployed, replayed).
    void recoveryEvent(const QString &description);
    /// A stage answered again after a failure: ms from detection to that first answer.
    void recovered(int stageIndex, const QString &hostId, qint64 recoveryMs);

private:
    struct Request
    {
        quint64 id = 0;
        std::vector<int> tokens;
        int stage = 0;
        QByteArray input; ///< hidden state entering `stage` (empty for stage 0)
        int seqLen = 0;
        qint64 submittedMs = 0;
        qint64 sentMs = 0;
        quint64 hostRequest = 0; ///< current attempt on the stage's host; 0 when queued
        int attempts = 0;        ///< tries on the current stage
        int retriesInPlace = 0;
        /// The next stage's run that the current attempt feeds over a link (0: none). The request
        /// moves on to it when this stage's copy of the output arrives.
        quint64 linkedRun = 0;
        /// The linked run answered before that copy arrived (rare: the copy leaves first, but on
        /// another connection): its output waits here.
        bool hasEarly = false;
        QByteArray early;
        int earlySeqLen = 0;
    };
    struct Stage
    {
        PipelineStage spec;
        HostModelClient *client = nullptr;
        bool ready = false;
        bool recovering = false;
        qint64 failedAtMs = -1; ///< detection time of the last failure, until the first answer
        qint64 deployStartedMs = 0;
        QSet<QString> triedHosts; ///< hosts that failed a redeployment of this stage
        std::deque<quint64> queue;
        QHash<quint64, quint64> inFlight; ///< host request id -> request id
        /// Linked runs reserved on this stage whose producer (the previous stage) has not
        /// answered yet: host request id -> request id.
        QHash<quint64, quint64> expected;
        // The link from this stage's page to the next stage's page.
        QString link;              ///< attached link name; empty = the hop goes through the app
        QString linkPeer;          ///< host the link (or the pending request) leads to
        quint64 linkRequest = 0;   ///< id of a `link` request awaiting its answer
        QString pendingLink;       ///< its link name
        QSet<QString> linkRefused; ///< peers this stage's host cannot link to (another browser)
        QString linkReason;        ///< the last refusal
        StageStats stats;
    };

    void setState(State state);
    void deployStage(int index, const QString &hostId);
    void onDeployed(int index, HostModelClient *client);
    void onDeployFailed(int index, HostModelClient *client, const QString &message);
    void onFinished(int index, HostModelClient *client, quint64 hostRequest, const QByteArray &hidden,
                    int seqLen);
    /// Statistics and signals of a stage's finished run (after the activation moved on).
    void recordCompletion(int index, double ms, qint64 now, qint64 bytes);
    void onFailed(int index, HostModelClient *client, quint64 hostRequest, const QString &code,
                  const QString &message);
    void onSessionClosed(const QString &hostId);
    void onSessionOpened();
    void retryOrMove(int index, quint64 requestId, const QString &why, bool hostFault);
    void moveStage(int index, const QString &why);
    QString pickHost(int index) const;
    void requeue(Stage &stage, quint64 requestId);
    void failRequest(quint64 requestId, const QString &why);
    void pump();
    /// Asks each stage's page for a link to the next stage's page where there is none yet.
    void ensureLinks();
    bool linkUsable(int index) const;
    void onLinked(int index, HostModelClient *client, quint64 requestId, const QString &link);
    void onLinkRefused(int index, HostModelClient *client, quint64 requestId, const QString &reason);
    /// The request's current attempt no longer feeds the next stage's linked run: give that up.
    void dropLinkedRun(Request &r);
    /// Moves a request whose stage `index` finished on to the next stage: onto the run its link
    /// already fed, or into the next stage's queue. Returns the early output to deliver, if any.
    void advance(int index, Request &r, const QByteArray &hidden, qint64 now);
    void checkTimeouts();
    void updateState();

    RuntimeServer *m_server;
    std::shared_ptr<ModelPackage> m_package;
    Config m_config;
    const Clock *m_clock;
    QPointer<ResourcePool> m_pool;
    std::vector<Stage> m_stages;
    QStringList m_spares;
    std::map<quint64, Request> m_requests;
    quint64 m_nextRequest = 1;
    qint64 m_completed = 0;
    State m_state = State::Idle;
    bool m_started = false;

    QTimer *m_timer = nullptr;
    QString m_linkPrefix; ///< unique per executor: link names never collide on a page
    quint64 m_linkSerial = 0;
};

} // namespace accel
