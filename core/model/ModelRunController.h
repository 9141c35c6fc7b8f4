#pragma once

#include "model/ModelConfig.h"
#include "model/ReferenceCheck.h"

#include <QFutureWatcher>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>
#include <vector>

namespace accel {

class Clock;
class HostModelClient;
class ModelPackage;
class ModelWeights;
class ResourcePool;

/// The console's model workflow without widgets: loads a model (a Hugging Face folder or the
/// in-memory demo) off the GUI thread, and runs a layer range of it on one pool host through
/// HostModelClient while the native reference computes the same range on a worker thread
/// (QtConcurrent). Compares the two (max abs / relative error against `tolerance`), computes the
/// top next tokens natively from the host's hidden state (GPT-2, range ending at the last layer),
/// and reports every run to the pool's breaker (tryAcquire before, exactly one record after).
///
/// Threads: lives on the pool's thread (the GUI thread); nothing here blocks it: file loading,
/// chunk hashing, the reference and the logits run in QtConcurrent jobs that own shared copies of
/// what they use. Times come from `clock`. The pool is not owned (QPointer).
class ModelRunController : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Idle = 1, Loading, Deploying, Uploading, Running, Checking };
    Q_ENUM(Phase)

    /// Why start() refused a run; no valid zero value.
    enum class Refusal {
        None = 1,
        NoModel,
        Busy,
        BadRange,
        NoTokens,
        NoHost,
        HostNotReady,
        BreakerOpen,
        DeployRefused
    };
    Q_ENUM(Refusal)

    struct RunRequest
    {
        QString hostId;
        QString backend = QStringLiteral("auto"); ///< auto, webgpu, webnn, wasm, js
        int firstLayer = 0;
        int lastLayer = 0; ///< exclusive
        std::vector<int> tokens;
    };

    /// What a run produced so far; filled in as it goes. Times in ms, -1 = not reached.
    struct RunReport
    {
        QString hostId;
        QString requestedBackend;
        QString backend;     ///< the one the page chose
        QJsonObject probeMs; ///< auto: the page's probe timings per backend (ms)
        qint64 deployMs = -1;
        qint64 bytesUploaded = 0;
        qint64 runMs = -1;
        int firstLayer = 0;
        int lastLayer = 0;
        int seqLen = 0;
        bool compared = false;
        double maxAbs = 0;
        double relative = 0;
        double tolerance = 1e-4;
        bool passed = false;
        bool hasTopTokens = false; ///< next-token logits were computed from the host's state
        std::vector<ReferenceCheck::TokenLogit> topTokens;
        QString errorCode; ///< host protocol code ("host_lost", "load_failed", ...) or "reference"
        QString errorMessage;
        bool cancelled = false;
        bool finished = false; ///< no more updates will come
    };

    explicit ModelRunController(ResourcePool *pool, const Clock *clock = nullptr, QObject *parent = nullptr);
    ~ModelRunController() override;

    ResourcePool *pool() const;

    // ---- model ----
    /// Loads DIR/config.json + DIR/model.safetensors in the background; modelLoaded or modelLoadFailed.
    void loadFolder(const QString &dir);
    /// The demo model (random weights, built in memory).
    void loadDemo();
    bool hasModel() const { return bool(m_weights); }
    bool isLoading() const { return m_loadWatcher.isRunning(); }
    bool isDemo() const { return m_demo; }
    QString modelName() const { return m_name; }
    QString modelSource() const { return m_source; } ///< folder, empty for the demo
    const ModelConfig &config() const;
    /// Float32 bytes of a stage on a host (what deploying it may upload).
    qint64 stageBytes(int firstLayer, int lastLayer) const;

    // ---- runs ----
    /// Starts a run. False with the refusal (and `retryAfterMs` for an open breaker) when it cannot.
    bool start(const RunRequest &request, Refusal *refusal, QString *detail = nullptr);
    /// Abandons the current run: a running request is cancelled on the host, late answers are
    /// ignored, the breaker records the call as Cancelled.
    void cancel();
    Phase phase() const { return m_phase; }
    bool isRunning() const { return m_phase != Phase::Idle && m_phase != Phase::Loading; }
    const RunReport &report() const { return m_report; }
    void setTolerance(double tolerance) { m_tolerance = tolerance; }
    double tolerance() const { return m_tolerance; }

Q_SIGNALS:
    void modelLoaded();
    void modelLoadFailed(const QString &message);
    void phaseChanged(accel::ModelRunController::Phase phase);
    /// Chunk bytes sent so far in this deployment.
    void uploadProgress(qint64 sentBytes, qint64 stageBytes);
    /// The report changed (deployed, host answered, compared, top tokens).
    void reportChanged();
    /// The run ended: report().passed, errorCode and cancelled tell how.
    void runEnded();

private:
    struct Loaded;
    struct Reference;
    struct Top;

    static std::shared_ptr<Loaded> loadModel(const QString &dir, bool demo);
    void startLoad(const QString &dir, bool demo);
    void onLoaded();
    void onDeployed(const QJsonObject &info);
    void onDeployFailed(const QString &message);
    void onHostFinished(quint64 requestId, const QByteArray &hidden, int seqLen);
    void onHostFailed(quint64 requestId, const QString &code, const QString &message);
    void onReference();
    void onTop();
    void sendRun();
    void tryCompare();
    void fail(const QString &code, const QString &message, bool hostFault);
    void recordOutcome(bool success, int category);
    void end();
    void dropClient();
    void setPhase(Phase phase);
    qint64 nowNs() const;

    QPointer<ResourcePool> m_pool;
    const Clock *m_clock;
    double m_tolerance = 1e-4;

    // the loaded model
    std::shared_ptr<const ModelWeights> m_weights;
    std::shared_ptr<ModelPackage> m_package;
    std::shared_ptr<ReferenceCheck> m_check;
    QString m_name;
    QString m_source;
    bool m_demo = false;
    QFutureWatcher<std::shared_ptr<Loaded>> m_loadWatcher;

    // the current run
    Phase m_phase = Phase::Idle;
    quint64 m_runId = 0;
    RunRequest m_request;
    RunReport m_report;
    QPointer<HostModelClient> m_client;
    quint64 m_requestId = 0;
    bool m_outcomePending = false; ///< the breaker granted the call and awaits its record
    qint64 m_deployStartNs = 0;
    qint64 m_runStartNs = 0;
    QByteArray m_hostHidden;
    bool m_hostDone = false;
    std::shared_ptr<Reference> m_reference; ///< set when the reference job finished
    QFutureWatcher<std::shared_ptr<Reference>> m_refWatcher;
    QFutureWatcher<std::shared_ptr<Top>> m_topWatcher;
};

} // namespace accel
