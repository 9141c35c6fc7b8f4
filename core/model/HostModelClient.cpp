#include "model/HostModelClient.h"

#include "hosts/HostProtocol.h"
#include "hosts/HostSession.h"
#include "model/KernelCheck.h"
#include "model/ModelWeights.h"

#include <QJsonArray>
#include <QLoggingCategory>

#include <utility>

namespace accel {

Q_LOGGING_CATEGORY(lcModelClient, "accel.model.client")

namespace {

// A page that keeps answering modelMissing after receiving the chunks is broken (or evicting
// faster than we send): give up instead of looping.
constexpr int kMaxMissingRounds = 3;

} // namespace

ModelPackage::ModelPackage(QString name, std::shared_ptr<const ModelWeights> weights, qint64 chunkBytes)
    : m_name(std::move(name))
    , m_weights(std::move(weights))
    , m_store(chunkBytes)
    , m_config(runtimeConfigJson(m_weights->config()))
{}

int ModelPackage::layerCount() const
{
    return m_weights->config().layerCount;
}

QStringList ModelPackage::tensorNames(int firstLayer, int lastLayer, bool embed) const
{
    const ModelConfig &config = m_weights->config();
    QStringList names;
    if (embed) {
        names += ModelWeights::embeddingTensorNames(config);
    }
    for (int layer = firstLayer; layer < lastLayer; ++layer) {
        names += ModelWeights::layerTensorNames(config, layer);
    }
    return names;
}

bool ModelPackage::manifests(const QStringList &names, std::vector<TensorManifest> *out, ModelError *error)
{
    for (const QString &name : names) {
        auto it = m_manifests.constFind(name);
        if (it == m_manifests.constEnd()) {
            std::vector<TensorManifest> one;
            if (!m_store.addModelTensors(*m_weights, {name}, &one, error)) {
                return false;
            }
            it = m_manifests.insert(name, one.front());
        }
        out->push_back(*it);
    }
    return true;
}

qint64 ModelPackage::stageBytes(int firstLayer, int lastLayer, bool embed) const
{
    qint64 bytes = 0;
    for (const QString &name : tensorNames(firstLayer, lastLayer, embed)) {
        qint64 count = 1;
        for (auto d : ModelWeights::canonicalShape(m_weights->config(), name)) {
            count *= d;
        }
        bytes += count * 4;
    }
    return bytes;
}

HostModelClient::HostModelClient(HostSession *session, std::shared_ptr<ModelPackage> package, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_hostId(session ? session->id() : QString())
    , m_package(std::move(package))
{
    if (!session) {
        return;
    }
    connect(session, &HostSession::modelMissing, this, &HostModelClient::onModelMissing);
    connect(session, &HostSession::modelReady, this, &HostModelClient::onModelReady);
    connect(session, &HostSession::loaded, this,
            [this](quint64 requestId, const QStringList &) { onLoaded(requestId); });
    connect(session, &HostSession::hostError, this, &HostModelClient::onHostError);
    connect(session, &HostSession::resultReceived, this,
            [this](quint64 requestId, const hostproto::TensorFrame &frame) {
                if (!m_running.remove(requestId)) {
                    return; // another client's request on the same session
                }
                if (m_timing) {
                    if (m_timed.size() > 4096) {
                        m_timed.clear(); // a page that never answers runTiming must not grow this
                    }
                    m_timed.insert(requestId);
                }
                const int hidden = m_package->runtimeConfig().value(QLatin1String("hiddenSize")).toInt();
                if (frame.dtype != hostproto::DType::F32 || frame.shape.size() != 2 ||
                    int(frame.shape[1]) != hidden) {
                    Q_EMIT failed(requestId, QStringLiteral("bad_result"),
                                  QStringLiteral("host %1 answered with a tensor that is not F32 [seq, %2]")
                                      .arg(m_hostId)
                                      .arg(hidden));
                    return;
                }
                Q_EMIT finished(requestId, frame.payload, int(frame.shape[0]));
            });
    connect(session, &HostSession::runTimed, this,
            [this](quint64 requestId, const hostproto::RunTiming &timing) {
                if (m_timing && m_timed.remove(requestId)) {
                    Q_EMIT runTimed(requestId, timing);
                }
            });
    connect(session, &HostSession::closed, this,
            [this](HostSession::CloseReason reason, const QString &detail) {
                onSessionClosed(HostSession::closeReasonName(reason) + QStringLiteral(": ") + detail);
            });
}

HostModelClient::~HostModelClient() = default;

bool HostModelClient::deploy(int firstLayer, int lastLayer, bool embed, const QString &backend,
                             ModelError *error)
{
    DeployOptions options;
    options.backend = backend;
    return deploy(firstLayer, lastLayer, embed, options, error);
}

bool HostModelClient::deploy(int firstLayer, int lastLayer, bool embed, const DeployOptions &options,
                             ModelError *error)
{
    if (options.threads < 0 || options.threads > hostproto::kMaxModelThreads) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("thread count %1 is not 0 (auto) or 1..%2")
                        .arg(options.threads)
                        .arg(hostproto::kMaxModelThreads));
    }
    if (!m_session || !m_session->isReady()) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("host %1 is not connected").arg(m_hostId));
    }
    if (firstLayer < 0 || lastLayer <= firstLayer || lastLayer > m_package->layerCount()) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("layer range %1:%2 is not inside 0:%3")
                        .arg(firstLayer)
                        .arg(lastLayer)
                        .arg(m_package->layerCount()));
    }
    std::vector<TensorManifest> manifests;
    if (!m_package->manifests(m_package->tensorNames(firstLayer, lastLayer, embed), &manifests, error)) {
        return false;
    }
    m_tensorJson = QJsonArray();
    for (const TensorManifest &m : manifests) {
        m_tensorJson.append(m.toJson());
    }
    m_first = firstLayer;
    m_last = lastLayer;
    m_embed = embed;
    m_backend = options.backend.isEmpty() ? QStringLiteral("auto") : options.backend;
    m_threads = options.threads;
    m_deployed = false;
    m_missingRounds = 0;
    m_bytesUploaded = 0;
    sendModelMessage();
    if (m_deployId == 0) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("the model message for host %1 could not be sent (too many tensors for "
                                   "one control message?)")
                        .arg(m_hostId));
    }
    return true;
}

void HostModelClient::sendModelMessage()
{
    m_deployId = m_session ? m_session->sendModel(m_package->name(), m_package->runtimeConfig(), m_tensorJson,
                                                  m_backend, m_threads)
                           : 0;
}

void HostModelClient::onModelMissing(quint64 requestId, const QStringList &hashes)
{
    if (requestId != m_deployId || m_deployId == 0) {
        return;
    }
    if (++m_missingRounds > kMaxMissingRounds) {
        failDeploy(QStringLiteral("host %1 still lacks %2 chunks after %3 uploads")
                       .arg(m_hostId)
                       .arg(hashes.size())
                       .arg(kMaxMissingRounds));
        return;
    }
    QList<QByteArray> chunks;
    qint64 total = 0;
    for (const QString &hash : hashes) {
        const QByteArray key = hash.toLatin1();
        if (!m_package->store().contains(key)) {
            failDeploy(QStringLiteral("host %1 asked for chunk %2, which is not part of model %3")
                           .arg(m_hostId, hash.left(16), m_package->name()));
            return;
        }
        chunks.append(m_package->store().chunk(key));
        total += chunks.back().size();
    }
    m_deployId = m_session ? m_session->sendLoad(chunks) : 0;
    if (m_deployId == 0) {
        failDeploy(QStringLiteral("could not send %1 chunks to host %2").arg(chunks.size()).arg(m_hostId));
        return;
    }
    m_bytesUploaded += total;
    Q_EMIT deployProgress(m_bytesUploaded, m_bytesUploaded);
}

void HostModelClient::onLoaded(quint64 requestId)
{
    if (requestId != m_deployId || m_deployId == 0) {
        return;
    }
    sendModelMessage();
    if (m_deployId == 0) {
        failDeploy(QStringLiteral("host %1 closed during deployment").arg(m_hostId));
    }
}

void HostModelClient::onModelReady(quint64 requestId, const QJsonObject &info)
{
    if (requestId != m_deployId || m_deployId == 0) {
        return;
    }
    m_deployId = 0;
    m_deployed = true;
    m_info = info;
    qCInfo(lcModelClient).noquote() << "host" << m_hostId << "deployed" << m_package->name() << "layers"
                                    << m_first << ":" << m_last << "on"
                                    << info.value(QLatin1String("backend")).toString() << "with"
                                    << info.value(QLatin1String("threads")).toInt() << "thread(s), uploaded"
                                    << m_bytesUploaded << "bytes";
    Q_EMIT deployed(info);
}

void HostModelClient::onHostError(quint64 requestId, const QString &code, const QString &message)
{
    if (requestId != 0 && requestId == m_deployId) {
        failDeploy(QStringLiteral("host %1: %2: %3").arg(m_hostId, code, message));
        return;
    }
    if (requestId != 0 && m_running.remove(requestId)) {
        Q_EMIT failed(requestId, code, message);
    }
}

void HostModelClient::onSessionClosed(const QString &detail)
{
    if (m_deployId != 0) {
        failDeploy(QStringLiteral("host %1 was lost during deployment (%2)").arg(m_hostId, detail));
    }
    m_deployed = false;
    const QSet<quint64> running = std::exchange(m_running, {});
    for (quint64 id : running) {
        Q_EMIT failed(id, QStringLiteral("host_lost"),
                      QStringLiteral("host %1 was lost (%2)").arg(m_hostId, detail));
    }
}

void HostModelClient::failDeploy(const QString &message)
{
    m_deployId = 0;
    m_deployed = false;
    qCWarning(lcModelClient).noquote() << message;
    Q_EMIT deployFailed(message);
}

quint64 HostModelClient::runTokens(const std::vector<int> &tokens, const QJsonObject &forward)
{
    if (!m_deployed || !m_embed || !m_session || tokens.empty()) {
        return 0;
    }
    QByteArray payload(reinterpret_cast<const char *>(tokens.data()), qsizetype(tokens.size() * sizeof(int)));
    const quint64 id = m_session->sendRun(
        m_package->name(), m_first, m_last - 1,
        hostproto::TensorFrame{
            hostproto::FrameKind::Activation, 0, hostproto::DType::I32, {quint32(tokens.size())}, payload},
        true, m_timing, forward);
    if (id != 0) {
        m_running.insert(id);
    }
    return id;
}

quint64 HostModelClient::runHidden(const std::vector<float> &hidden, int seqLen)
{
    return runHiddenBytes(
        QByteArray(reinterpret_cast<const char *>(hidden.data()), qsizetype(hidden.size() * 4)), seqLen);
}

quint64 HostModelClient::runHiddenBytes(const QByteArray &bytes, int seqLen, const QJsonObject &forward)
{
    const int hiddenSize = m_package->runtimeConfig().value(QLatin1String("hiddenSize")).toInt();
    if (!m_deployed || !m_session || seqLen < 1 || bytes.size() != qsizetype(seqLen) * hiddenSize * 4) {
        return 0;
    }
    const quint64 id = m_session->sendRun(m_package->name(), m_first, m_last - 1,
                                          hostproto::TensorFrame{hostproto::FrameKind::Activation,
                                                                 0,
                                                                 hostproto::DType::F32,
                                                                 {quint32(seqLen), quint32(hiddenSize)},
                                                                 bytes},
                                          false, m_timing, forward);
    if (id != 0) {
        m_running.insert(id);
    }
    return id;
}

quint64 HostModelClient::reserveLinkedRun(QJsonObject *run)
{
    if (!m_deployed || !m_session || m_embed) {
        return 0;
    }
    *run = m_session->reserveLinkedRun(m_package->name(), m_first, m_last - 1, m_timing);
    const quint64 id = quint64(run->value(QLatin1String("id")).toDouble());
    if (id != 0) {
        m_running.insert(id);
    }
    return id;
}

void HostModelClient::abandon(quint64 requestId)
{
    if (m_running.remove(requestId) && m_session) {
        m_timed.remove(requestId);
        m_session->abandonRun(requestId);
    }
}

bool HostModelClient::cancel(quint64 requestId)
{
    return m_session && m_running.contains(requestId) && m_session->cancel(requestId);
}

} // namespace accel
