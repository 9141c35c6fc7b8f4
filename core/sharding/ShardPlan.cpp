#include "sharding/ShardPlan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

#include <cmath>

namespace accel {

namespace {

constexpr qsizetype kMaxJsonBytes = 4 * 1024 * 1024;
constexpr qsizetype kMaxIdLength = 256;

bool finiteNonNegative(double v)
{
    return std::isfinite(v) && v >= 0.0;
}

QString mib(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1) + QStringLiteral(" MiB");
}

} // namespace

QString shardStrategyName(ShardStrategy strategy)
{
    switch (strategy) {
    case ShardStrategy::Layer:
        return QStringLiteral("layer");
    case ShardStrategy::Browser:
        return QStringLiteral("browser");
    case ShardStrategy::Optimal:
        return QStringLiteral("optimal");
    case ShardStrategy::Manual:
        return QStringLiteral("manual");
    }
    return QStringLiteral("unknown");
}

std::optional<ShardStrategy> shardStrategyFromName(QStringView name)
{
    for (ShardStrategy s :
         {ShardStrategy::Layer, ShardStrategy::Browser, ShardStrategy::Optimal, ShardStrategy::Manual}) {
        if (name == shardStrategyName(s)) {
            return s;
        }
    }
    return std::nullopt;
}

int ShardPlan::bottleneckStage() const
{
    int best = -1;
    double bestMs = -1.0;
    for (int i = 0; i < stages.size(); ++i) {
        const double ms = stageMs(i);
        if (ms > bestMs) {
            bestMs = ms;
            best = i;
        }
    }
    return best;
}

double ShardPlan::bottleneckMs() const
{
    const int b = bottleneckStage();
    return b < 0 ? 0.0 : stageMs(b);
}

ShardPlan::BottleneckCause ShardPlan::bottleneckCause() const
{
    const int b = bottleneckStage();
    if (b < 0) {
        return BottleneckCause::Compute;
    }
    return transferMs(b) > stages.at(b).computeMs() ? BottleneckCause::Transfer : BottleneckCause::Compute;
}

double ShardPlan::latencyMs() const
{
    double sum = 0.0;
    for (int i = 0; i < stages.size(); ++i) {
        sum += stageMs(i);
    }
    return sum;
}

double ShardPlan::throughputPerSec() const
{
    const double ms = bottleneckMs();
    return ms > 0.0 ? 1000.0 / ms : 0.0;
}

QStringList ShardPlan::hostIds() const
{
    QStringList ids;
    for (const ShardStage &s : stages) {
        ids.append(s.hostId);
    }
    return ids;
}

int ShardPlan::stageOfHost(const QString &hostId) const
{
    for (int i = 0; i < stages.size(); ++i) {
        if (stages.at(i).hostId == hostId) {
            return i;
        }
    }
    return -1;
}

int ShardPlan::stageOfLayer(int layer) const
{
    for (int i = 0; i < stages.size(); ++i) {
        if (layer >= stages.at(i).firstLayer && layer < stages.at(i).lastLayer) {
            return i;
        }
    }
    return -1;
}

bool ShardPlan::validate(ShardError *error, bool allowSharedHosts) const
{
    if (layerCount < 1 || layerCount > kMaxLayers) {
        return shardFail(
            error, ShardErrorCode::BadRanges,
            QStringLiteral("layer count %1 is out of range 1..%2").arg(layerCount).arg(kMaxLayers));
    }
    if (stages.isEmpty()) {
        return shardFail(error, ShardErrorCode::BadRanges, QStringLiteral("the plan has no stages"));
    }
    if (stages.size() > kMaxStages || stages.size() > layerCount) {
        return shardFail(error, ShardErrorCode::BadRanges,
                         QStringLiteral("%1 stages for %2 layers: every stage needs at least one layer")
                             .arg(stages.size())
                             .arg(layerCount));
    }
    if (!finiteNonNegative(hopMs)) {
        return shardFail(error, ShardErrorCode::BadInput, QStringLiteral("hop time must be finite and >= 0"));
    }
    QSet<QString> hosts;
    int expectedFirst = 0;
    for (int i = 0; i < stages.size(); ++i) {
        const ShardStage &s = stages.at(i);
        if (s.firstLayer != expectedFirst) {
            return shardFail(error, ShardErrorCode::BadRanges,
                             i == 0 ? QStringLiteral("stage 0 starts at layer %1, not 0").arg(s.firstLayer)
                                    : QStringLiteral("stage %1 starts at layer %2 but stage %3 ends at %4")
                                          .arg(i)
                                          .arg(s.firstLayer)
                                          .arg(i - 1)
                                          .arg(expectedFirst),
                             i);
        }
        if (s.lastLayer <= s.firstLayer) {
            return shardFail(error, ShardErrorCode::BadRanges,
                             QStringLiteral("stage %1 has an empty layer range [%2, %3)")
                                 .arg(i)
                                 .arg(s.firstLayer)
                                 .arg(s.lastLayer),
                             i);
        }
        if (s.lastLayer > layerCount) {
            return shardFail(error, ShardErrorCode::BadRanges,
                             QStringLiteral("stage %1 ends at layer %2, past the model's %3 layers")
                                 .arg(i)
                                 .arg(s.lastLayer)
                                 .arg(layerCount),
                             i);
        }
        if (s.hostId.isEmpty() || s.hostId.size() > kMaxIdLength) {
            return shardFail(error, ShardErrorCode::UnknownHost,
                             QStringLiteral("stage %1 has no valid host id").arg(i), i);
        }
        if (hosts.contains(s.hostId) && !allowSharedHosts) {
            return shardFail(
                error, ShardErrorCode::DuplicateHost,
                QStringLiteral("host %1 holds more than one stage (stage %2)").arg(s.hostId).arg(i), i);
        }
        hosts.insert(s.hostId);
        if (!finiteNonNegative(s.msPerLayer) || s.memoryBytes < 0 || s.hostMemoryBytes < 0) {
            return shardFail(error, ShardErrorCode::BadInput,
                             QStringLiteral("stage %1 has a negative or non-finite estimate").arg(i), i);
        }
        expectedFirst = s.lastLayer;
    }
    if (expectedFirst != layerCount) {
        return shardFail(error, ShardErrorCode::BadRanges,
                         QStringLiteral("the stages end at layer %1 but the model has %2 layers")
                             .arg(expectedFirst)
                             .arg(layerCount),
                         int(stages.size()) - 1);
    }
    QSet<QString> spares;
    for (const QString &id : spareHostIds) {
        if (id.isEmpty() || id.size() > kMaxIdLength) {
            return shardFail(error, ShardErrorCode::UnknownHost,
                             QStringLiteral("a spare host has no valid id"));
        }
        if (hosts.contains(id) || spares.contains(id)) {
            return shardFail(error, ShardErrorCode::DuplicateHost,
                             QStringLiteral("spare host %1 is listed twice or also holds a stage").arg(id));
        }
        spares.insert(id);
    }
    return true;
}

QString ShardPlan::describe() const
{
    QString text;
    text += QStringLiteral("%1 plan: %2 layers on %3 stage(s)\n")
                .arg(shardStrategyName(strategy))
                .arg(layerCount)
                .arg(stages.size());
    text += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                .arg(QStringLiteral("stage"), 5)
                .arg(QStringLiteral("layers"), 9)
                .arg(QStringLiteral("host"), -16)
                .arg(QStringLiteral("kind"), -9)
                .arg(QStringLiteral("ms/layer"), 9)
                .arg(QStringLiteral("compute ms"), 11)
                .arg(QStringLiteral("hop ms"), 7)
                .arg(QStringLiteral("stage ms"), 9)
                .arg(QStringLiteral("memory"), 12);
    const int b = bottleneckStage();
    for (int i = 0; i < stages.size(); ++i) {
        const ShardStage &s = stages.at(i);
        QString role;
        if (embedsAt(i)) {
            role += QStringLiteral(" embed");
        }
        if (appliesFinalNormAt(i)) {
            role += QStringLiteral(" final-norm");
        }
        if (i == b) {
            role += QStringLiteral(" <- bottleneck");
        }
        text +=
            QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9%10\n")
                .arg(i, 5)
                .arg(QStringLiteral("%1-%2").arg(s.firstLayer).arg(s.lastLayer - 1), 9)
                .arg(s.hostId, -16)
                .arg(hostKindName(s.hostKind), -9)
                .arg(QString::number(s.msPerLayer, 'f', 2) + (s.measured ? QString() : QStringLiteral("*")),
                     9)
                .arg(s.computeMs(), 11, 'f', 2)
                .arg(transferMs(i), 7, 'f', 2)
                .arg(stageMs(i), 9, 'f', 2)
                .arg(mib(s.memoryBytes), 12)
                .arg(role);
    }
    if (b >= 0) {
        const ShardStage &s = stages.at(b);
        text +=
            QStringLiteral("bottleneck: stage %1 on %2, %3 ms per request (%4 layers x %5 ms/layer%6 = %7 ms "
                           "compute + %8 ms hop): %9\n")
                .arg(b)
                .arg(s.hostId)
                .arg(stageMs(b), 0, 'f', 2)
                .arg(s.layerCount())
                .arg(s.msPerLayer, 0, 'f', 2)
                .arg(s.measured ? QString() : QStringLiteral(" (default, unmeasured)"))
                .arg(s.computeMs(), 0, 'f', 2)
                .arg(transferMs(b), 0, 'f', 2)
                .arg(bottleneckCause() == BottleneckCause::Transfer ? QStringLiteral("transfer-bound")
                                                                    : QStringLiteral("compute-bound"));
        text +=
            QStringLiteral("estimated throughput %1 requests/s, latency %2 ms per request (%3 tokens, hop "
                           "%4 ms)\n")
                .arg(throughputPerSec(), 0, 'f', 2)
                .arg(latencyMs(), 0, 'f', 2)
                .arg(tokensPerRequest)
                .arg(hopMs, 0, 'f', 3);
    }
    if (!spareHostIds.isEmpty()) {
        text += QStringLiteral("spares: %1\n").arg(spareHostIds.join(QStringLiteral(", ")));
    }
    bool anyDefault = false;
    for (const ShardStage &s : stages) {
        anyDefault = anyDefault || !s.measured;
    }
    if (anyDefault) {
        text += QStringLiteral("* unmeasured host: the planner's default ms/layer was used\n");
    }
    return text;
}

QJsonObject ShardPlan::toJson() const
{
    QJsonArray stageArray;
    for (int i = 0; i < stages.size(); ++i) {
        const ShardStage &s = stages.at(i);
        stageArray.append(QJsonObject{
            {QStringLiteral("firstLayer"), s.firstLayer},
            {QStringLiteral("lastLayer"), s.lastLayer},
            {QStringLiteral("hostId"), s.hostId},
            {QStringLiteral("hostKind"), hostKindName(s.hostKind)},
            {QStringLiteral("backend"), s.backend},
            {QStringLiteral("msPerLayer"), s.msPerLayer},
            {QStringLiteral("measured"), s.measured},
            {QStringLiteral("memoryBytes"), double(s.memoryBytes)},
            {QStringLiteral("hostMemoryBytes"), double(s.hostMemoryBytes)},
            {QStringLiteral("embeds"), embedsAt(i)},
            {QStringLiteral("appliesFinalNorm"), appliesFinalNormAt(i)},
            {QStringLiteral("computeMs"), s.computeMs()},
            {QStringLiteral("transferMs"), transferMs(i)},
            {QStringLiteral("stageMs"), stageMs(i)},
        });
    }
    QJsonObject o{
        {QStringLiteral("version"), kJsonVersion},
        {QStringLiteral("strategy"), shardStrategyName(strategy)},
        {QStringLiteral("layerCount"), layerCount},
        {QStringLiteral("hopMs"), hopMs},
        {QStringLiteral("tokensPerRequest"), tokensPerRequest},
        {QStringLiteral("stages"), stageArray},
        {QStringLiteral("spareHostIds"), QJsonArray::fromStringList(spareHostIds)},
    };
    const int b = bottleneckStage();
    if (b >= 0) {
        o.insert(QStringLiteral("bottleneckStage"), b);
        o.insert(QStringLiteral("bottleneckMs"), bottleneckMs());
        o.insert(QStringLiteral("bottleneckCause"), bottleneckCause() == BottleneckCause::Transfer
                                                        ? QStringLiteral("transfer")
                                                        : QStringLiteral("compute"));
        o.insert(QStringLiteral("latencyMs"), latencyMs());
        o.insert(QStringLiteral("throughputPerSec"), throughputPerSec());
    }
    return o;
}

namespace {

/// Reads an integer-valued JSON number within [lo, hi].
bool readInt(const QJsonObject &o, const char *key, qint64 lo, qint64 hi, qint64 *out, QString *why)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isDouble()) {
        *why = QStringLiteral("\"%1\" must be a number").arg(QLatin1String(key));
        return false;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || d < double(lo) || d > double(hi)) {
        *why = QStringLiteral("\"%1\" must be an integer in %2..%3").arg(QLatin1String(key)).arg(lo).arg(hi);
        return false;
    }
    *out = qint64(d);
    return true;
}

bool readDouble(const QJsonObject &o, const char *key, double *out, QString *why)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isDouble() || !finiteNonNegative(v.toDouble())) {
        *why = QStringLiteral("\"%1\" must be a finite number >= 0").arg(QLatin1String(key));
        return false;
    }
    *out = v.toDouble();
    return true;
}

bool readString(const QJsonObject &o, const char *key, bool required, QString *out, QString *why)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() && !required) {
        out->clear();
        return true;
    }
    if (!v.isString() || v.toString().size() > kMaxIdLength) {
        *why = QStringLiteral("\"%1\" must be a string of at most %2 characters")
                   .arg(QLatin1String(key))
                   .arg(kMaxIdLength);
        return false;
    }
    *out = v.toString();
    return true;
}

} // namespace

std::optional<ShardPlan> ShardPlan::fromJson(const QJsonObject &json, ShardError *error,
                                             bool allowSharedHosts)
{
    QString why;
    auto bad = [error](const QString &message, int stage = -1) {
        shardFail(error, ShardErrorCode::BadJson, QStringLiteral("bad plan JSON: ") + message, stage);
        return std::optional<ShardPlan>();
    };
    qint64 version = 0;
    if (!readInt(json, "version", 1, 1000, &version, &why)) {
        return bad(why);
    }
    if (version != kJsonVersion) {
        return bad(
            QStringLiteral("unsupported version %1 (this build reads %2)").arg(version).arg(kJsonVersion));
    }
    ShardPlan plan;
    QString strategyName;
    if (!readString(json, "strategy", true, &strategyName, &why)) {
        return bad(why);
    }
    const auto strategy = shardStrategyFromName(strategyName);
    if (!strategy) {
        return bad(QStringLiteral("unknown strategy \"%1\"").arg(strategyName));
    }
    plan.strategy = *strategy;
    qint64 n = 0;
    if (!readInt(json, "layerCount", 1, kMaxLayers, &n, &why)) {
        return bad(why);
    }
    plan.layerCount = int(n);
    if (!readDouble(json, "hopMs", &plan.hopMs, &why)) {
        return bad(why);
    }
    if (!readInt(json, "tokensPerRequest", 0, 1 << 20, &n, &why)) {
        return bad(why);
    }
    plan.tokensPerRequest = int(n);
    const QJsonValue stagesValue = json.value(QLatin1String("stages"));
    if (!stagesValue.isArray()) {
        return bad(QStringLiteral("\"stages\" must be an array"));
    }
    const QJsonArray stageArray = stagesValue.toArray();
    if (stageArray.size() > kMaxStages) {
        return bad(QStringLiteral("more than %1 stages").arg(kMaxStages));
    }
    for (int i = 0; i < stageArray.size(); ++i) {
        if (!stageArray.at(i).isObject()) {
            return bad(QStringLiteral("stage %1 is not an object").arg(i), i);
        }
        const QJsonObject so = stageArray.at(i).toObject();
        ShardStage s;
        qint64 v = 0;
        if (!readInt(so, "firstLayer", 0, kMaxLayers, &v, &why)) {
            return bad(QStringLiteral("stage %1: %2").arg(i).arg(why), i);
        }
        s.firstLayer = int(v);
        if (!readInt(so, "lastLayer", 0, kMaxLayers, &v, &why)) {
            return bad(QStringLiteral("stage %1: %2").arg(i).arg(why), i);
        }
        s.lastLayer = int(v);
        QString kindName;
        if (!readString(so, "hostId", true, &s.hostId, &why) ||
            !readString(so, "hostKind", true, &kindName, &why) ||
            !readString(so, "backend", false, &s.backend, &why) ||
            !readDouble(so, "msPerLayer", &s.msPerLayer, &why)) {
            return bad(QStringLiteral("stage %1: %2").arg(i).arg(why), i);
        }
        const auto kind = hostKindFromName(kindName);
        if (!kind) {
            return bad(QStringLiteral("stage %1: unknown host kind \"%2\"").arg(i).arg(kindName), i);
        }
        s.hostKind = *kind;
        const QJsonValue measured = so.value(QLatin1String("measured"));
        if (!measured.isBool()) {
            return bad(QStringLiteral("stage %1: \"measured\" must be true or false").arg(i), i);
        }
        s.measured = measured.toBool();
        constexpr qint64 kMaxBytes = qint64(1) << 50;
        if (!readInt(so, "memoryBytes", 0, kMaxBytes, &v, &why)) {
            return bad(QStringLiteral("stage %1: %2").arg(i).arg(why), i);
        }
        s.memoryBytes = v;
        if (so.contains(QLatin1String("hostMemoryBytes"))) {
            if (!readInt(so, "hostMemoryBytes", 0, kMaxBytes, &v, &why)) {
                return bad(QStringLiteral("stage %1: %2").arg(i).arg(why), i);
            }
            s.hostMemoryBytes = v;
        }
        plan.stages.append(s);
    }
    const QJsonValue sparesValue = json.value(QLatin1String("spareHostIds"));
    if (!sparesValue.isUndefined()) {
        if (!sparesValue.isArray() || sparesValue.toArray().size() > kMaxStages) {
            return bad(QStringLiteral("\"spareHostIds\" must be an array of at most %1 ids").arg(kMaxStages));
        }
        for (const QJsonValue &id : sparesValue.toArray()) {
            if (!id.isString()) {
                return bad(QStringLiteral("\"spareHostIds\" must hold strings"));
            }
            plan.spareHostIds.append(id.toString());
        }
    }
    ShardError invalid;
    if (!plan.validate(&invalid, allowSharedHosts)) {
        if (error) {
            *error = invalid;
        }
        return std::nullopt;
    }
    return plan;
}

std::optional<ShardPlan> ShardPlan::fromJson(const QByteArray &json, ShardError *error, bool allowSharedHosts)
{
    if (json.size() > kMaxJsonBytes) {
        shardFail(error, ShardErrorCode::BadJson,
                  QStringLiteral("bad plan JSON: larger than %1 bytes").arg(kMaxJsonBytes));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        shardFail(error, ShardErrorCode::BadJson,
                  QStringLiteral("bad plan JSON: %1 at offset %2")
                      .arg(parseError.errorString())
                      .arg(parseError.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        shardFail(error, ShardErrorCode::BadJson,
                  QStringLiteral("bad plan JSON: the top level must be an object"));
        return std::nullopt;
    }
    return fromJson(doc.object(), error, allowSharedHosts);
}

} // namespace accel
