#include "model/ModelRunController.h"

#include "common/Clock.h"
#include "hosts/HostSession.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelRunFailure.h"
#include "model/ModelWeights.h"
#include "pool/ResourcePool.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

namespace accel {

Q_LOGGING_CATEGORY(lcModelRun, "accel.model.run")

struct ModelRunController::Loaded
{
    std::shared_ptr<const ModelWeights> weights;
    std::shared_ptr<ModelPackage> package;
    std::shared_ptr<ReferenceCheck> check;
    QString name;
    QString source;
    bool demo = false;
    QString error;
};

struct ModelRunController::Reference
{
    quint64 runId = 0;
    bool ok = false;
    QString error;
    std::vector<float> input; ///< hidden state at firstLayer (only when firstLayer > 0)
    std::vector<float> want;  ///< hidden state at lastLayer
};

struct ModelRunController::Top
{
    quint64 runId = 0;
    bool ok = false;
    QString error;
    std::vector<ReferenceCheck::TokenLogit> tokens;
};

namespace {
constexpr int kTopTokens = 5;
} // namespace

// Runs on a pool thread: reads and checks the files (or builds the demo), hashes every tensor into
// chunks so the GUI thread never does, and prepares the reference runner.
std::shared_ptr<ModelRunController::Loaded> ModelRunController::loadModel(const QString &dir, bool demo)
{
    auto loaded = std::make_shared<ModelRunController::Loaded>();
    auto weights = std::make_shared<ModelWeights>();
    ModelError error;
    if (demo) {
        if (!DemoModel::load(weights.get(), &error)) {
            loaded->error = error.message;
            return loaded;
        }
        loaded->name = QStringLiteral("demo");
        loaded->demo = true;
    } else {
        if (!weights->load(dir, &error)) {
            loaded->error = error.message;
            return loaded;
        }
        const QString base = QFileInfo(dir).fileName();
        loaded->name = QStringLiteral("model:") + (base.isEmpty() ? QStringLiteral("folder") : base);
        loaded->source = dir;
    }
    auto package = std::make_shared<ModelPackage>(loaded->name, weights);
    std::vector<TensorManifest> manifests;
    if (!package->manifests(package->tensorNames(0, weights->config().layerCount, true), &manifests,
                            &error)) {
        loaded->error = error.message;
        return loaded;
    }
    loaded->check = std::make_shared<ReferenceCheck>(weights);
    loaded->package = std::move(package);
    loaded->weights = std::move(weights);
    return loaded;
}

ModelRunController::ModelRunController(ResourcePool *pool, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_clock(clock ? clock : Clock::system())
{
    connect(&m_loadWatcher, &QFutureWatcherBase::finished, this, &ModelRunController::onLoaded);
    connect(&m_refWatcher, &QFutureWatcherBase::finished, this, &ModelRunController::onReference);
    connect(&m_topWatcher, &QFutureWatcherBase::finished, this, &ModelRunController::onTop);
}

ModelRunController::~ModelRunController()
{
    // A call the breaker granted is answered even when the console closes mid-run.
    if (m_outcomePending && m_pool) {
        m_pool->recordFailure(m_request.hostId, ErrorCategory::Cancelled, nowNs() - m_deployStartNs);
    }
    dropClient();
    // Background jobs own what they use (shared pointers); their results are simply not read.
}

ResourcePool *ModelRunController::pool() const
{
    return m_pool.data();
}

const ModelConfig &ModelRunController::config() const
{
    static const ModelConfig none;
    return m_weights ? m_weights->config() : none;
}

qint64 ModelRunController::stageBytes(int firstLayer, int lastLayer) const
{
    return m_package ? m_package->stageBytes(firstLayer, lastLayer, firstLayer == 0) : 0;
}

void ModelRunController::loadFolder(const QString &dir)
{
    startLoad(dir, false);
}

void ModelRunController::loadDemo()
{
    startLoad(QString(), true);
}

void ModelRunController::startLoad(const QString &dir, bool demo)
{
    if (isRunning()) {
        Q_EMIT modelLoadFailed(
            QStringLiteral("a run is in progress; cancel it before loading another model"));
        return;
    }
    if (isLoading()) {
        Q_EMIT modelLoadFailed(QStringLiteral("a model is already being loaded"));
        return;
    }
    setPhase(Phase::Loading);
    m_loadWatcher.setFuture(QtConcurrent::run([dir, demo] { return loadModel(dir, demo); }));
}

void ModelRunController::onLoaded()
{
    const std::shared_ptr<Loaded> loaded = m_loadWatcher.result();
    setPhase(Phase::Idle);
    if (!loaded || !loaded->error.isEmpty()) {
        // The model that was loaded before stays loaded.
        Q_EMIT modelLoadFailed(loaded ? loaded->error : QStringLiteral("loading failed"));
        return;
    }
    m_weights = loaded->weights;
    m_package = loaded->package;
    m_check = loaded->check;
    m_name = loaded->name;
    m_source = loaded->source;
    m_demo = loaded->demo;
    m_report = RunReport{};
    qCInfo(lcModelRun).noquote() << "loaded" << m_name << "layers" << m_weights->config().layerCount;
    Q_EMIT modelLoaded();
}

bool ModelRunController::start(const RunRequest &request, Refusal *refusal, QString *detail)
{
    auto refuse = [&](Refusal r, const QString &why = QString()) {
        if (refusal) {
            *refusal = r;
        }
        if (detail) {
            *detail = why;
        }
        return false;
    };
    if (!m_weights || !m_package) {
        return refuse(Refusal::NoModel);
    }
    if (isRunning() || isLoading()) {
        return refuse(Refusal::Busy);
    }
    if (request.tokens.empty()) {
        return refuse(Refusal::NoTokens);
    }
    const int layers = m_weights->config().layerCount;
    if (request.firstLayer < 0 || request.lastLayer <= request.firstLayer || request.lastLayer > layers) {
        return refuse(Refusal::BadRange, QStringLiteral("%1:%2 not inside 0:%3")
                                             .arg(request.firstLayer)
                                             .arg(request.lastLayer)
                                             .arg(layers));
    }
    const std::optional<PoolHostInfo> info = m_pool ? m_pool->host(request.hostId) : std::nullopt;
    if (!info) {
        return refuse(Refusal::NoHost, request.hostId);
    }
    HostSession *session = m_pool->session(request.hostId);
    if (!session || !session->isReady() || info->state != PoolHostState::Ready) {
        return refuse(Refusal::HostNotReady, toString(info->state));
    }
    const Permission permission = m_pool->tryAcquire(request.hostId);
    if (!permission) {
        return refuse(Refusal::BreakerOpen, QString::number(permission.retryAfterMs));
    }
    m_outcomePending = true;

    const quint64 runId = ++m_runId;
    m_request = request;
    m_report = RunReport{};
    m_report.hostId = request.hostId;
    m_report.requestedBackend = request.backend;
    m_report.firstLayer = request.firstLayer;
    m_report.lastLayer = request.lastLayer;
    m_report.seqLen = int(request.tokens.size());
    m_report.tolerance = m_tolerance;
    m_hostHidden.clear();
    m_hostDone = false;
    m_reference.reset();
    m_requestId = 0;

    auto *client = new HostModelClient(session, m_package, this);
    m_client = client;
    connect(client, &HostModelClient::deployProgress, this, [this, runId](qint64 sent, qint64) {
        if (runId == m_runId && isRunning()) {
            setPhase(Phase::Uploading);
            Q_EMIT uploadProgress(sent, stageBytes(m_request.firstLayer, m_request.lastLayer));
        }
    });
    connect(client, &HostModelClient::deployed, this, [this, runId](const QJsonObject &info) {
        if (runId == m_runId && isRunning()) {
            onDeployed(info);
        }
    });
    connect(client, &HostModelClient::deployFailed, this, [this, runId](const QString &message) {
        if (runId == m_runId && isRunning()) {
            onDeployFailed(message);
        }
    });
    connect(client, &HostModelClient::finished, this,
            [this, runId](quint64 id, const QByteArray &hidden, int seqLen) {
                if (runId == m_runId && isRunning()) {
                    onHostFinished(id, hidden, seqLen);
                }
            });
    connect(client, &HostModelClient::failed, this,
            [this, runId](quint64 id, const QString &code, const QString &message) {
                if (runId == m_runId && isRunning()) {
                    onHostFailed(id, code, message);
                }
            });

    m_deployStartNs = nowNs();
    setPhase(Phase::Deploying);
    ModelError error;
    if (!client->deploy(request.firstLayer, request.lastLayer, request.firstLayer == 0, request.backend,
                        &error)) {
        // Nothing reached the host: the call is abandoned, not failed.
        recordOutcome(false, int(ErrorCategory::Cancelled));
        dropClient();
        setPhase(Phase::Idle);
        return refuse(Refusal::DeployRefused, error.message);
    }

    std::shared_ptr<ReferenceCheck> check = m_check;
    const std::vector<int> tokens = request.tokens;
    const int first = request.firstLayer;
    const int last = request.lastLayer;
    m_refWatcher.setFuture(QtConcurrent::run([check, tokens, first, last, runId] {
        auto r = std::make_shared<Reference>();
        r->runId = runId;
        ModelError e;
        if (first == 0) {
            r->ok = check->hiddenAt(tokens, last, &r->want, &e);
        } else {
            r->ok = check->hiddenAt(tokens, first, &r->input, &e);
            if (r->ok) {
                r->want = r->input;
                r->ok = check->runLayers(&r->want, int(tokens.size()), first, last, &e);
            }
        }
        r->error = e.message;
        return r;
    }));
    if (refusal) {
        *refusal = Refusal::None;
    }
    return true;
}

void ModelRunController::onDeployed(const QJsonObject &info)
{
    m_report.deployMs = (nowNs() - m_deployStartNs) / 1'000'000;
    m_report.bytesUploaded = m_client ? m_client->bytesUploaded() : 0;
    m_report.backend = info.value(QLatin1String("backend")).toString();
    m_report.probeMs =
        info.value(QLatin1String("probe")).toObject().value(QLatin1String("timingsMs")).toObject();
    setPhase(Phase::Running);
    Q_EMIT reportChanged();
    // A stage that does not embed needs the reference's hidden state at its first layer.
    if (m_request.firstLayer == 0 || m_reference) {
        sendRun();
    }
}

void ModelRunController::sendRun()
{
    if (!m_client || m_requestId != 0) {
        return;
    }
    m_runStartNs = nowNs();
    m_requestId = m_request.firstLayer == 0
                      ? m_client->runTokens(m_request.tokens)
                      : m_client->runHidden(m_reference->input, int(m_request.tokens.size()));
    if (m_requestId == 0) {
        const bool lost = !m_client->session() || !m_client->session()->isReady();
        fail(lost ? QStringLiteral("host_lost") : QStringLiteral("not_sent"),
             lost ? QStringLiteral("host %1 was lost before the run could be sent").arg(m_request.hostId)
                  : QStringLiteral("the run request could not be sent to host %1").arg(m_request.hostId),
             true);
    }
}

void ModelRunController::onDeployFailed(const QString &message)
{
    fail(ModelRunFailure::deployFailureCode(message), message, true);
}

void ModelRunController::onHostFinished(quint64 requestId, const QByteArray &hidden, int seqLen)
{
    if (requestId != m_requestId) {
        return;
    }
    Q_UNUSED(seqLen)
    m_report.runMs = (nowNs() - m_runStartNs) / 1'000'000;
    m_hostHidden = hidden;
    m_hostDone = true;
    Q_EMIT reportChanged();
    tryCompare();
}

void ModelRunController::onHostFailed(quint64 requestId, const QString &code, const QString &message)
{
    if (requestId != m_requestId) {
        return;
    }
    fail(code, message, true);
}

void ModelRunController::onReference()
{
    const std::shared_ptr<Reference> r = m_refWatcher.result();
    if (!r || r->runId != m_runId || !isRunning()) {
        return; // a cancelled or finished run's job
    }
    if (!r->ok) {
        fail(QStringLiteral("reference"), r->error, false);
        return;
    }
    m_reference = r;
    if (m_request.firstLayer > 0 && m_report.deployMs >= 0) {
        sendRun();
        return;
    }
    tryCompare();
}

void ModelRunController::tryCompare()
{
    if (!m_hostDone || !m_reference) {
        if (m_hostDone) {
            setPhase(Phase::Checking); // the host was faster than the native reference
        }
        return;
    }
    const ReferenceCheck::Comparison c =
        ReferenceCheck::compare(reinterpret_cast<const float *>(m_hostHidden.constData()),
                                std::size_t(m_hostHidden.size()) / sizeof(float), m_reference->want);
    m_report.compared = true;
    m_report.maxAbs = c.maxAbs;
    m_report.relative = c.relative;
    m_report.passed = c.sizeMatches && c.relative <= m_tolerance;
    // A wrong answer is recorded as a Model failure: visible in the host's counts, and it trips the
    // breaker only if the breaker config counts Model errors.
    recordOutcome(m_report.passed, int(ErrorCategory::Model));
    Q_EMIT reportChanged();

    const ModelConfig &config = m_weights->config();
    const int hidden = config.hiddenSize;
    if (config.architecture == ModelConfig::Architecture::DecoderGpt2 &&
        m_request.lastLayer == config.layerCount && c.sizeMatches && hidden > 0) {
        setPhase(Phase::Checking);
        const auto *data = reinterpret_cast<const float *>(m_hostHidden.constData());
        const std::size_t rows = std::size_t(m_hostHidden.size()) / sizeof(float) / std::size_t(hidden);
        std::vector<float> lastRow(data + (rows - 1) * std::size_t(hidden),
                                   data + rows * std::size_t(hidden));
        std::shared_ptr<ReferenceCheck> check = m_check;
        const quint64 runId = m_runId;
        m_topWatcher.setFuture(QtConcurrent::run([check, lastRow = std::move(lastRow), runId] {
            auto t = std::make_shared<Top>();
            t->runId = runId;
            ModelError e;
            t->ok = check->topNextTokens(lastRow, kTopTokens, &t->tokens, &e);
            t->error = e.message;
            return t;
        }));
        return;
    }
    end();
}

void ModelRunController::onTop()
{
    const std::shared_ptr<Top> t = m_topWatcher.result();
    if (!t || t->runId != m_runId || !isRunning()) {
        return;
    }
    if (t->ok) {
        m_report.hasTopTokens = true;
        m_report.topTokens = t->tokens;
    } else {
        qCWarning(lcModelRun).noquote() << "next-token logits failed:" << t->error;
    }
    end();
}

void ModelRunController::fail(const QString &code, const QString &message, bool hostFault)
{
    m_report.errorCode = code;
    m_report.errorMessage = message;
    qCWarning(lcModelRun).noquote() << "run on" << m_request.hostId << "failed:" << code << message;
    recordOutcome(false,
                  int(hostFault ? ModelRunFailure::categorize(code, message) : ErrorCategory::Cancelled));
    end();
}

void ModelRunController::cancel()
{
    if (!isRunning()) {
        return;
    }
    if (m_client && m_requestId != 0) {
        m_client->cancel(m_requestId);
    }
    m_report.cancelled = true;
    m_report.errorCode = QStringLiteral("cancelled");
    recordOutcome(false, int(ErrorCategory::Cancelled));
    end();
}

void ModelRunController::recordOutcome(bool success, int category)
{
    if (!m_outcomePending) {
        return;
    }
    m_outcomePending = false;
    if (!m_pool) {
        return;
    }
    const qint64 durationNs = nowNs() - m_deployStartNs;
    if (success) {
        m_pool->recordSuccess(m_request.hostId, durationNs);
    } else {
        m_pool->recordFailure(m_request.hostId, ErrorCategory(category), durationNs);
    }
}

void ModelRunController::end()
{
    m_report.finished = true;
    dropClient();
    setPhase(Phase::Idle);
    Q_EMIT reportChanged();
    Q_EMIT runEnded();
}

void ModelRunController::dropClient()
{
    if (m_client) {
        disconnect(m_client, nullptr, this, nullptr);
        m_client->deleteLater();
        m_client = nullptr;
    }
    m_requestId = 0;
}

void ModelRunController::setPhase(Phase phase)
{
    if (m_phase == phase) {
        return;
    }
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

qint64 ModelRunController::nowNs() const
{
    return m_clock->nowNs();
}

} // namespace accel
