#include "model/KernelCheck.h"

#include "model/ContentStore.h"
#include "model/Dtype.h"
#include "model/KernelCheckServer.h"
#include "model/ModelWeights.h"
#include "model/ReferenceOps.h"
#include "model/ReferenceRunner.h"

#include <QJsonDocument>

#include <cmath>
#include <cstring>
#include <set>

namespace accel {

namespace {

/// Deterministic uniform values in [-scale, scale) (xorshift32, as the page's randomArray).
std::vector<float> pseudoRandom(std::size_t count, std::uint32_t seed, float scale = 1.0f)
{
    std::vector<float> v(count);
    std::uint32_t s = seed ? seed : 1;
    for (float &x : v) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        x = float((double(s) / 4294967296.0 * 2.0 - 1.0) * scale);
    }
    return v;
}

QByteArray floatBytes(const std::vector<float> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(float)));
}

QJsonArray shapeJson(const std::vector<std::int64_t> &shape)
{
    QJsonArray a;
    for (auto d : shape) {
        a.append(qint64(d));
    }
    return a;
}

} // namespace

QJsonObject runtimeConfigJson(const ModelConfig &c)
{
    QJsonObject o;
    o.insert(QStringLiteral("architecture"), c.architecture == ModelConfig::Architecture::EncoderBert
                                                 ? QStringLiteral("bert")
                                                 : QStringLiteral("gpt2"));
    o.insert(QStringLiteral("hiddenSize"), c.hiddenSize);
    o.insert(QStringLiteral("headCount"), c.headCount);
    o.insert(QStringLiteral("intermediateSize"), c.intermediateSize);
    o.insert(QStringLiteral("layerCount"), c.layerCount);
    o.insert(QStringLiteral("layerNormEps"), c.layerNormEps);
    o.insert(QStringLiteral("activation"), c.activation == ModelConfig::Activation::GeluErf
                                               ? QStringLiteral("gelu_erf")
                                               : QStringLiteral("gelu_tanh"));
    o.insert(QStringLiteral("vocabSize"), c.vocabSize);
    o.insert(QStringLiteral("maxPositions"), c.maxPositions);
    return o;
}

KernelCheck::KernelCheck(const QString &backend, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
{}

QString KernelCheck::addBlob(const QString &name, const std::vector<float> &values)
{
    const QString path = QStringLiteral("/data/%1-%2").arg(++m_blobCounter).arg(name);
    m_blobs[path] = floatBytes(values);
    return path;
}

void KernelCheck::addMatmulCase(int m, int k, int n)
{
    const std::uint32_t seed = std::uint32_t(m * 131 + k * 17 + n);
    const auto a = pseudoRandom(std::size_t(m) * std::size_t(k), seed);
    const auto b = pseudoRandom(std::size_t(k) * std::size_t(n), seed + 1);
    const auto bias = pseudoRandom(std::size_t(n), seed + 2);
    std::vector<float> c(std::size_t(m) * std::size_t(n));
    referenceops::matmul(a.data(), b.data(), bias.data(), c.data(), m, k, n);
    const QString id = QStringLiteral("matmul-%1x%2x%3").arg(m).arg(k).arg(n);
    m_cases.append(QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("kind"), QStringLiteral("op")},
        {QStringLiteral("op"), QStringLiteral("matmul")},
        {QStringLiteral("params"),
         QJsonObject{{QStringLiteral("m"), m}, {QStringLiteral("k"), k}, {QStringLiteral("n"), n}}},
        {QStringLiteral("arrays"),
         QJsonObject{{QStringLiteral("a"), addBlob(QStringLiteral("a"), a)},
                     {QStringLiteral("b"), addBlob(QStringLiteral("b"), b)},
                     {QStringLiteral("bias"), addBlob(QStringLiteral("bias"), bias)}}}});
    m_expected[id] = {QStringLiteral("matmul [%1x%2] x [%2x%3] + bias").arg(m).arg(k).arg(n), c};
    m_order << id;
}

void KernelCheck::addOpCases()
{
    for (const auto &[m, k, n] : std::vector<std::tuple<int, int, int>>{
             {1, 1, 1}, {5, 7, 3}, {13, 37, 29}, {33, 65, 130}, {7, 256, 771}}) {
        addMatmulCase(m, k, n);
    }
    auto addCase = [this](const QString &id, const QString &op, const QString &description,
                          QJsonObject params, QJsonObject arrays, std::vector<float> reference) {
        m_cases.append(QJsonObject{{QStringLiteral("id"), id},
                                   {QStringLiteral("kind"), QStringLiteral("op")},
                                   {QStringLiteral("op"), op},
                                   {QStringLiteral("params"), params},
                                   {QStringLiteral("arrays"), arrays}});
        m_expected[id] = {description, std::move(reference)};
        m_order << id;
    };
    { // LayerNorm on 5 x 37 with a non-zero mean
        const int rows = 5;
        const int cols = 37;
        auto x = pseudoRandom(std::size_t(rows * cols), 11, 3.0f);
        for (float &v : x) {
            v += 1.5f;
        }
        const auto g = pseudoRandom(std::size_t(cols), 12);
        const auto b = pseudoRandom(std::size_t(cols), 13);
        std::vector<float> y(x.size());
        referenceops::layerNorm(x.data(), g.data(), b.data(), y.data(), rows, cols, 1e-5);
        addCase(QStringLiteral("layernorm-5x37"), QStringLiteral("layerNorm"),
                QStringLiteral("LayerNorm 5 x 37"),
                QJsonObject{{QStringLiteral("rows"), rows},
                            {QStringLiteral("cols"), cols},
                            {QStringLiteral("eps"), 1e-5}},
                QJsonObject{{QStringLiteral("x"), addBlob(QStringLiteral("x"), x)},
                            {QStringLiteral("gamma"), addBlob(QStringLiteral("g"), g)},
                            {QStringLiteral("beta"), addBlob(QStringLiteral("b"), b)}},
                y);
    }
    for (bool exact : {false, true}) {
        const auto x = pseudoRandom(1001, 21, 6.0f);
        std::vector<float> y(x.size());
        (exact ? referenceops::geluErf : referenceops::geluTanh)(x.data(), y.data(), std::int64_t(x.size()));
        addCase(exact ? QStringLiteral("gelu-erf") : QStringLiteral("gelu-tanh"), QStringLiteral("gelu"),
                exact ? QStringLiteral("GELU (erf) on 1001 values in [-6, 6]")
                      : QStringLiteral("GELU (tanh) on 1001 values in [-6, 6]"),
                QJsonObject{{QStringLiteral("exact"), exact}},
                QJsonObject{{QStringLiteral("x"), addBlob(QStringLiteral("x"), x)}}, y);
    }
    {
        const auto a = pseudoRandom(1001, 31);
        const auto b = pseudoRandom(1001, 32);
        std::vector<float> y(a.size());
        referenceops::add(a.data(), b.data(), y.data(), std::int64_t(a.size()));
        addCase(QStringLiteral("add-1001"), QStringLiteral("add"), QStringLiteral("add 1001"), QJsonObject{},
                QJsonObject{{QStringLiteral("a"), addBlob(QStringLiteral("a"), a)},
                            {QStringLiteral("b"), addBlob(QStringLiteral("b"), b)}},
                y);
    }
    {
        const auto x = pseudoRandom(7 * 33, 41, 8.0f);
        std::vector<float> y(x.size());
        referenceops::softmaxRows(x.data(), y.data(), 7, 33);
        addCase(QStringLiteral("softmax-7x33"), QStringLiteral("softmax"),
                QStringLiteral("softmax 7 rows x 33"),
                QJsonObject{{QStringLiteral("rows"), 7}, {QStringLiteral("cols"), 33}},
                QJsonObject{{QStringLiteral("x"), addBlob(QStringLiteral("x"), x)}}, y);
    }
    for (const auto &[seq, heads, dim] : std::vector<std::tuple<int, int, int>>{{9, 3, 5}, {17, 4, 16}}) {
        for (bool causal : {true, false}) {
            const auto qkv = pseudoRandom(std::size_t(seq * 3 * heads * dim), std::uint32_t(51 + seq), 2.0f);
            std::vector<float> y(std::size_t(seq * heads * dim));
            referenceops::attention(qkv.data(), y.data(), seq, heads, dim, causal);
            addCase(QStringLiteral("attention-%1-s%2h%3d%4")
                        .arg(causal ? QStringLiteral("causal") : QStringLiteral("bidi"))
                        .arg(seq)
                        .arg(heads)
                        .arg(dim),
                    QStringLiteral("attention"),
                    QStringLiteral("%1 attention, seq %2, %3 heads of %4")
                        .arg(causal ? QStringLiteral("causal") : QStringLiteral("bidirectional"))
                        .arg(seq)
                        .arg(heads)
                        .arg(dim),
                    QJsonObject{{QStringLiteral("seq"), seq},
                                {QStringLiteral("heads"), heads},
                                {QStringLiteral("headDim"), dim},
                                {QStringLiteral("causal"), causal}},
                    QJsonObject{{QStringLiteral("qkv"), addBlob(QStringLiteral("qkv"), qkv)}}, y);
        }
    }
    {
        const int vocab = 11;
        const int hidden = 6;
        const std::vector<int> ids = {3, 0, 10, 3, 7};
        const auto wte = pseudoRandom(std::size_t(vocab * hidden), 61);
        const auto wpe = pseudoRandom(std::size_t(8 * hidden), 62);
        const auto tte = pseudoRandom(std::size_t(2 * hidden), 63);
        std::vector<float> y(ids.size() * std::size_t(hidden));
        referenceops::embedding(ids.data(), int(ids.size()), wte.data(), wpe.data(), tte.data(), y.data(),
                                hidden);
        QJsonArray idsJson;
        for (int id : ids) {
            idsJson.append(id);
        }
        addCase(QStringLiteral("embedding-5x6"), QStringLiteral("embedding"),
                QStringLiteral("embedding 5 tokens, hidden 6"),
                QJsonObject{{QStringLiteral("ids"), idsJson},
                            {QStringLiteral("seq"), 5},
                            {QStringLiteral("hidden"), hidden}},
                QJsonObject{{QStringLiteral("wte"), addBlob(QStringLiteral("wte"), wte)},
                            {QStringLiteral("wpe"), addBlob(QStringLiteral("wpe"), wpe)},
                            {QStringLiteral("tte"), addBlob(QStringLiteral("tte"), tte)}},
                y);
    }
}

bool KernelCheck::addModelCases(const ModelWeights &weights, const std::vector<int> &tokens,
                                const std::vector<std::pair<int, int>> &ranges, const QString &storeAs,
                                ModelError *error)
{
    const ModelConfig &c = weights.config();
    m_config = runtimeConfigJson(c);
    std::set<int> layers;
    for (const auto &[first, last] : ranges) {
        if (!ReferenceRunner::checkRange(c.layerCount, first, last, error)) {
            return false;
        }
        for (int l = first; l < last; ++l) {
            layers.insert(l);
        }
    }
    QStringList names = ModelWeights::embeddingTensorNames(c);
    for (int l : layers) {
        names << ModelWeights::layerTensorNames(c, l);
    }
    const bool half = storeAs == QLatin1String("F16");
    QJsonArray weightList;
    for (const QString &name : names) {
        std::vector<float> values;
        if (!weights.tensor(name, &values, error)) {
            return false;
        }
        QByteArray bytes;
        if (half) {
            bytes.resize(qsizetype(values.size() * 2));
            for (std::size_t i = 0; i < values.size(); ++i) {
                const std::uint16_t h = dtype::floatToHalf(values[i]);
                bytes[qsizetype(2 * i)] = char(h & 0xff);
                bytes[qsizetype(2 * i + 1)] = char(h >> 8);
            }
        } else {
            bytes = floatBytes(values);
        }
        const QString path = QStringLiteral("/weights/%1").arg(name);
        m_blobs[path] = bytes;
        weightList.append(
            QJsonObject{{QStringLiteral("name"), name},
                        {QStringLiteral("dtype"), half ? QStringLiteral("F16") : QStringLiteral("F32")},
                        {QStringLiteral("shape"), shapeJson(ModelWeights::canonicalShape(c, name))},
                        {QStringLiteral("url"), path}});
    }
    m_cases.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("load-weights")},
                               {QStringLiteral("kind"), QStringLiteral("load")},
                               {QStringLiteral("weights"), weightList}});
    ReferenceRunner runner(weights);
    std::vector<float> embedded;
    if (!runner.embed(tokens, &embedded, error)) {
        return false;
    }
    QJsonArray tokenJson;
    for (int t : tokens) {
        tokenJson.append(t);
    }
    m_cases.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("embed")},
                               {QStringLiteral("kind"), QStringLiteral("embed")},
                               {QStringLiteral("tokens"), tokenJson}});
    m_expected[QStringLiteral("embed")] = {
        QStringLiteral("%1 embeddings of %2 tokens").arg(c.modelType).arg(tokens.size()), embedded};
    m_order << QStringLiteral("embed");
    const int seqLen = int(tokens.size());
    for (const auto &[first, last] : ranges) {
        std::vector<float> input = embedded;
        if (first > 0 && !runner.runLayers(&input, seqLen, 0, first, error)) {
            return false;
        }
        std::vector<float> output = input;
        if (!runner.runLayers(&output, seqLen, first, last, error)) {
            return false;
        }
        const QString id = QStringLiteral("layers-%1-%2").arg(first).arg(last);
        m_cases.append(QJsonObject{{QStringLiteral("id"), id},
                                   {QStringLiteral("kind"), QStringLiteral("layers")},
                                   {QStringLiteral("range"), QJsonArray{first, last}},
                                   {QStringLiteral("seqLen"), seqLen},
                                   {QStringLiteral("input"), addBlob(QStringLiteral("hidden"), input)}});
        m_expected[id] = {QStringLiteral("%1 layers %2:%3, seq %4, weights %5")
                              .arg(c.modelType)
                              .arg(first)
                              .arg(last)
                              .arg(seqLen)
                              .arg(storeAs),
                          output};
        m_order << id;
    }
    return true;
}

void KernelCheck::addRefusedLoadCase(const QString &name, int floats)
{
    const QString path = QStringLiteral("/weights/refused-%1").arg(name);
    m_blobs[path] = floatBytes(std::vector<float>(std::size_t(floats), 1.0f));
    m_cases.append(QJsonObject{
        {QStringLiteral("id"), QStringLiteral("refused-load")},
        {QStringLiteral("kind"), QStringLiteral("load")},
        {QStringLiteral("weights"), QJsonArray{QJsonObject{{QStringLiteral("name"), name},
                                                           {QStringLiteral("dtype"), QStringLiteral("F32")},
                                                           {QStringLiteral("shape"), QJsonArray{floats}},
                                                           {QStringLiteral("url"), path}}}}});
}

void KernelCheck::addMissingWeightsCase(int layer)
{
    const int e = m_config.value(QLatin1String("hiddenSize")).toInt(1);
    m_cases.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("missing-weights")},
                               {QStringLiteral("kind"), QStringLiteral("expect-error")},
                               {QStringLiteral("range"), QJsonArray{layer, layer + 1}},
                               {QStringLiteral("seqLen"), 2},
                               {QStringLiteral("floats"), 2 * e}});
}

void KernelCheck::addChunkCacheCase(const ContentStore &store, const TensorManifest &manifest)
{
    QJsonObject urls;
    for (const ChunkRef &c : manifest.chunks) {
        const QString path = QStringLiteral("/chunks/") + QString::fromLatin1(c.sha256Hex);
        m_blobs[path] = store.chunk(c.sha256Hex);
        urls.insert(QString::fromLatin1(c.sha256Hex), path);
    }
    m_cases.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("chunk-cache")},
                               {QStringLiteral("kind"), QStringLiteral("chunks")},
                               {QStringLiteral("cacheName"), QStringLiteral("accel-check-%1").arg(m_backend)},
                               {QStringLiteral("manifest"), manifest.toJson()},
                               {QStringLiteral("chunkUrls"), urls}});
}

void KernelCheck::addMatmulBenchmark(const std::vector<int> &sizes, double flopBudget)
{
    QJsonArray s;
    for (int size : sizes) {
        s.append(size);
    }
    m_cases.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("bench-matmul")},
                               {QStringLiteral("kind"), QStringLiteral("bench-matmul")},
                               {QStringLiteral("sizes"), s},
                               {QStringLiteral("flopBudget"), flopBudget}});
}

void KernelCheck::addLayerBenchmark(int seqLen, int iterations)
{
    const int e = m_config.value(QLatin1String("hiddenSize")).toInt(1);
    m_cases.append(
        QJsonObject{{QStringLiteral("id"), QStringLiteral("bench-layer")},
                    {QStringLiteral("kind"), QStringLiteral("bench-layer")},
                    {QStringLiteral("range"), QJsonArray{0, 1}},
                    {QStringLiteral("seqLen"), seqLen},
                    {QStringLiteral("iterations"), iterations},
                    {QStringLiteral("input"),
                     addBlob(QStringLiteral("bench-hidden"), pseudoRandom(std::size_t(seqLen * e), 77))}});
}

void KernelCheck::publish(KernelCheckServer *server)
{
    server->clearBlobs();
    const QJsonObject job{{QStringLiteral("backend"), m_backend},
                          {QStringLiteral("options"), m_options},
                          {QStringLiteral("config"), m_config},
                          {QStringLiteral("cases"), m_cases}};
    server->setBlob(QStringLiteral("/job.json"), QJsonDocument(job).toJson(QJsonDocument::Compact),
                    "application/json");
    for (const auto &[path, bytes] : m_blobs) {
        server->setBlob(path, bytes, "application/octet-stream");
    }
    connect(server, &KernelCheckServer::posted, this, &KernelCheck::onPosted, Qt::UniqueConnection);
}

void KernelCheck::onPosted(const QString &path, const QByteArray &body)
{
    if (m_finished) {
        return;
    }
    if (path == QLatin1String("/done")) {
        m_summary = QJsonDocument::fromJson(body).object();
        if (m_summary.isEmpty()) {
            m_summary.insert(QStringLiteral("fatal"), QStringLiteral("unreadable /done summary"));
        }
        m_finished = true;
        Q_EMIT finished();
        return;
    }
    if (!path.startsWith(QLatin1String("/result/"))) {
        return;
    }
    const QString id = path.mid(8);
    if (m_expected.count(id)) {
        m_binaryResults[id] = body;
    } else {
        m_jsonResults[id] = QJsonDocument::fromJson(body).object();
    }
}

QJsonObject KernelCheck::jsonResult(const QString &id) const
{
    const auto it = m_jsonResults.find(id);
    return it == m_jsonResults.end() ? QJsonObject() : it->second;
}

std::vector<KernelCheck::Comparison> KernelCheck::comparisons() const
{
    std::vector<Comparison> out;
    const QJsonObject cases = m_summary.value(QLatin1String("cases")).toObject();
    for (const QString &id : m_order) {
        const Expected &e = m_expected.at(id);
        Comparison c;
        c.id = id;
        c.description = e.description;
        const QJsonObject status = cases.value(id).toObject();
        c.ms = status.value(QLatin1String("ms")).toDouble();
        const auto it = m_binaryResults.find(id);
        if (it == m_binaryResults.end()) {
            c.error = status.value(QLatin1String("error")).toString(QStringLiteral("no result posted"));
            out.push_back(c);
            continue;
        }
        const QByteArray &bytes = it->second;
        if (bytes.size() != qsizetype(e.reference.size() * sizeof(float))) {
            c.error =
                QStringLiteral("got %1 floats, expected %2").arg(bytes.size() / 4).arg(e.reference.size());
            out.push_back(c);
            continue;
        }
        c.ran = true;
        std::vector<float> got(e.reference.size());
        if (!got.empty()) {
            std::memcpy(got.data(), bytes.constData(), std::size_t(bytes.size()));
        }
        double scale = 1e-6;
        for (std::size_t i = 0; i < got.size(); ++i) {
            const double d = std::abs(double(got[i]) - double(e.reference[i]));
            c.maxAbs = std::isnan(d) ? INFINITY : std::max(c.maxAbs, d);
            scale = std::max(scale, double(std::abs(e.reference[i])));
        }
        c.rel = c.maxAbs / scale;
        out.push_back(c);
    }
    return out;
}

} // namespace accel
