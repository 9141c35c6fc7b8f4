#pragma once

#include "hosts/HostProtocol.h"
#include "model/ContentStore.h"
#include "model/ModelError.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <memory>
#include <vector>

namespace accel {

class HostSession;
class ModelWeights;

/// A model prepared for hosts: its canonical float32 tensors cut into SHA-256 chunks (once, on
/// first use of each tensor) and its runtime config. Shared by every client deploying the model,
/// so a tensor is hashed once however many hosts receive it. One owner thread.
class ModelPackage
{
public:
    /// `name` identifies the model on the hosts (e.g. "demo" or a directory name).
    ModelPackage(QString name, std::shared_ptr<const ModelWeights> weights,
                 qint64 chunkBytes = ContentStore::kDefaultChunkBytes);

    QString name() const { return m_name; }
    const ModelWeights &weights() const { return *m_weights; }
    std::shared_ptr<const ModelWeights> sharedWeights() const { return m_weights; }
    const ContentStore &store() const { return m_store; }
    QJsonObject runtimeConfig() const { return m_config; }
    int layerCount() const;

    /// Tensor names a stage needs: the layers [firstLayer, lastLayer) plus the embeddings if it embeds.
    QStringList tensorNames(int firstLayer, int lastLayer, bool embed) const;
    /// Manifests of `names`, chunking tensors not seen before.
    bool manifests(const QStringList &names, std::vector<TensorManifest> *out, ModelError *error);
    /// Float32 bytes a stage holds on a host.
    qint64 stageBytes(int firstLayer, int lastLayer, bool embed) const;

private:
    QString m_name;
    std::shared_ptr<const ModelWeights> m_weights;
    ContentStore m_store;
    QJsonObject m_config;
    QHash<QString, TensorManifest> m_manifests;
};

/// Deploys a layer range of a model on one host page and runs requests on it, over the host
/// protocol (docs/host-protocol.md: `model` -> `modelMissing` -> `load` -> `model` -> `modelReady`,
/// then `run` + Activation -> Result). Chunks travel only when the page says it lacks them, so a
/// page that cached them (Cache Storage) earlier, even in another session, gets none.
///
/// Every request ends exactly once: `finished` or `failed` (codes from the page, or "host_lost"
/// when the session closes, "not_deployed"). Thread: the session's.
class HostModelClient : public QObject
{
    Q_OBJECT
public:
    HostModelClient(HostSession *session, std::shared_ptr<ModelPackage> package, QObject *parent = nullptr);
    ~HostModelClient() override;

    HostSession *session() const { return m_session; }
    QString hostId() const { return m_hostId; }
    const ModelPackage &package() const { return *m_package; }

    /// How a range is deployed on the page.
    struct DeployOptions
    {
        QString backend = QStringLiteral("auto"); ///< "auto", "webgpu", "webnn", "wasm", "js"
        /// Compute threads for the backend: 0 = auto (the page uses every hardware thread it can),
        /// 1..hostproto::kMaxModelThreads = exactly that many (wasm; the deployment fails when the
        /// page cannot start them). Backends without threads ignore it (modelReady.threadsReason).
        int threads = 0;
    };

    /// Deploys blocks [firstLayer, lastLayer) (plus embeddings when `embed`) with `backend`
    /// ("auto", "webgpu", "webnn", "wasm", "js"). Emits deployed() or deployFailed(). False at once
    /// (with error) for a bad range or a closed session.
    bool deploy(int firstLayer, int lastLayer, bool embed, const QString &backend, ModelError *error);
    /// Same, with a thread count; false at once for a count outside 0..kMaxModelThreads.
    bool deploy(int firstLayer, int lastLayer, bool embed, const DeployOptions &options, ModelError *error);
    bool isDeployed() const { return m_deployed; }
    bool isDeploying() const { return m_deployId != 0; }
    int firstLayer() const { return m_first; }
    int lastLayer() const { return m_last; }
    bool embeds() const { return m_embed; }
    /// Threads asked for by the last deploy() (0 = auto).
    int requestedThreads() const { return m_threads; }
    /// The page's modelReady message (backend, memory, probe timings, loadMs, threads and, when
    /// the backend ignores a thread count or fell back to one thread, threadsReason).
    QJsonObject deployInfo() const { return m_info; }
    /// Chunk bytes sent to this host by deploy() (0 when the page had every chunk cached).
    qint64 bytesUploaded() const { return m_bytesUploaded; }

    /// Runs the deployed range on token ids (the stage must embed). Returns the request id, 0 if not sent.
    /// With `forward` ({link, run}: HostSession::sendRun) the page also hands the output to a
    /// peer page over a link.
    quint64 runTokens(const std::vector<int> &tokens, const QJsonObject &forward = {});
    /// Runs the deployed range on a hidden state [seqLen, hiddenSize] (row-major float32).
    quint64 runHidden(const std::vector<float> &hidden, int seqLen);
    /// Same, from raw little-endian float32 bytes (what a previous stage's Result frame carries).
    quint64 runHiddenBytes(const QByteArray &bytes, int seqLen, const QJsonObject &forward = {});
    /// Reserves a run of the deployed range whose input a peer page forwards over a link (the
    /// stage must not embed): returns its request id (0 if impossible, e.g. no data connection)
    /// and the run message for the peer's `forward.run`. It ends like any run: finished or failed.
    quint64 reserveLinkedRun(QJsonObject *run);
    /// Drops a request without an answer (no finished/failed follows); the page is told to skip it.
    void abandon(quint64 requestId);
    bool cancel(quint64 requestId);
    /// Asks the page to time each later run (runTimed() follows finished()); off by default.
    void setTiming(bool on) { m_timing = on; }
    int inFlight() const { return int(m_running.size()); }

Q_SIGNALS:
    void deployProgress(qint64 sentBytes, qint64 totalBytes);
    void deployed(const QJsonObject &info);
    void deployFailed(const QString &message);
    /// `hidden`: float32 bytes [seqLen, hiddenSize].
    void finished(quint64 requestId, const QByteArray &hidden, int seqLen);
    void failed(quint64 requestId, const QString &code, const QString &message);
    /// The page's account of a finished run (only with setTiming(true)).
    void runTimed(quint64 requestId, const accel::hostproto::RunTiming &timing);

private:
    void sendModelMessage();
    void onModelMissing(quint64 requestId, const QStringList &hashes);
    void onModelReady(quint64 requestId, const QJsonObject &info);
    void onLoaded(quint64 requestId);
    void onHostError(quint64 requestId, const QString &code, const QString &message);
    void onSessionClosed(const QString &detail);
    void failDeploy(const QString &message);

    QPointer<HostSession> m_session;
    QString m_hostId;
    std::shared_ptr<ModelPackage> m_package;
    int m_first = 0;
    int m_last = 0;
    bool m_embed = false;
    QString m_backend;
    int m_threads = 0;
    QJsonArray m_tensorJson;
    quint64 m_deployId = 0; ///< the pending model or load request of a deploy
    int m_missingRounds = 0;
    bool m_deployed = false;
    QJsonObject m_info;
    qint64 m_bytesUploaded = 0;
    QSet<quint64> m_running;
    QSet<quint64> m_timed; ///< finished runs whose runTiming has not arrived yet
    bool m_timing = false;
};

} // namespace accel
