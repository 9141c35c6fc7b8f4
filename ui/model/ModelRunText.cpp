#include "model/ModelRunText.h"

#include "hosts/HostKind.h"
#include "model/TokenIds.h"
#include "pool/PoolHostInfo.h"

#include <QLocale>
#include <QStringList>

namespace accel::ui {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
} // namespace

QString ModelRunText::hostLabel(const PoolHostInfo &info)
{
    QString state;
    switch (info.state) {
    case PoolHostState::Starting:
        state = tr("starting");
        break;
    case PoolHostState::Ready:
        state = tr("ready");
        break;
    case PoolHostState::Draining:
        state = tr("draining");
        break;
    case PoolHostState::Closing:
        state = tr("closing");
        break;
    case PoolHostState::Lost:
        state = tr("lost");
        break;
    }
    QString label = tr("%1 (%2) · %3 · health %4")
                        .arg(info.id, hostKindName(info.kind), state)
                        .arg(info.health, 0, 'f', 0);
    if (info.breaker != BreakerState::Closed) {
        label += tr(" · breaker %1").arg(toString(info.breaker));
    }
    return label;
}

QString ModelRunText::tokenMessage(const TokenIds &t)
{
    switch (t.error) {
    case TokenIds::Error::None:
        return tr("%n token(s)", nullptr, int(t.ids.size()));
    case TokenIds::Error::Empty:
        return tr("Enter token ids separated by commas or spaces.");
    case TokenIds::Error::NotANumber:
        return tr("Token %1 (\"%2\") is not a whole number.").arg(t.index + 1).arg(t.text);
    case TokenIds::Error::OutOfRange:
        return tr("Token %1 is %2, outside the vocabulary (0 to %3).")
            .arg(t.index + 1)
            .arg(t.value)
            .arg(t.vocabSize - 1);
    case TokenIds::Error::TooMany:
        return tr("%1 tokens: this model takes at most %2.").arg(t.count).arg(t.maxTokens);
    }
    return {};
}

QString ModelRunText::refusal(ModelRunController::Refusal refusal, const QString &detail)
{
    using R = ModelRunController::Refusal;
    switch (refusal) {
    case R::None:
        return {};
    case R::NoModel:
        return tr("Load a model first.");
    case R::Busy:
        return tr("A run is already in progress.");
    case R::BadRange:
        return tr("The layer range %1 is not valid.").arg(detail);
    case R::NoTokens:
        return tr("Enter token ids first.");
    case R::NoHost:
        return tr("Host %1 is not in the pool any more.").arg(detail);
    case R::HostNotReady:
        return tr("The host is not ready (%1).").arg(detail);
    case R::BreakerOpen:
        return tr("The host's breaker rejects work now (retry in %1 ms).").arg(detail);
    case R::DeployRefused:
        return tr("Deployment refused: %1").arg(detail);
    }
    return {};
}

QString ModelRunText::reportLines(const ModelRunController::RunReport &r)
{
    QStringList lines;
    if (!r.backend.isEmpty()) {
        QString backend = tr("Backend: %1").arg(r.backend);
        if (r.requestedBackend == QLatin1String("auto")) {
            QStringList probes;
            for (auto it = r.probeMs.constBegin(); it != r.probeMs.constEnd(); ++it) {
                probes.append(tr("%1 %2 ms").arg(it.key()).arg(it.value().toDouble(), 0, 'f', 2));
            }
            backend += probes.isEmpty()
                           ? tr(" (auto; the page had measured its backends before)")
                           : tr(" (auto; probe per matmul: %1)").arg(probes.join(QStringLiteral(", ")));
        }
        lines.append(backend);
    }
    if (r.deployMs >= 0) {
        lines.append(tr("Deploy: %1 ms, %2 MiB uploaded (%3 bytes)")
                         .arg(r.deployMs)
                         .arg(double(r.bytesUploaded) / kMiB, 0, 'f', 2)
                         .arg(QLocale().toString(r.bytesUploaded)));
    }
    if (r.runMs >= 0) {
        lines.append(tr("Run: %1 ms for layers %2 to %3, %n token(s)", nullptr, r.seqLen)
                         .arg(r.runMs)
                         .arg(r.firstLayer)
                         .arg(r.lastLayer));
    }
    if (r.hasTopTokens) {
        QStringList top;
        for (const auto &t : r.topTokens) {
            top.append(tr("%1 (%2)").arg(t.token).arg(double(t.logit), 0, 'f', 3));
        }
        lines.append(tr("Top-5 next tokens (logits computed natively from the host's hidden state): %1")
                         .arg(top.join(QStringLiteral(", "))));
    }
    return lines.join(QLatin1Char('\n'));
}

QString ModelRunText::checkLine(const ModelRunController::RunReport &r)
{
    if (!r.compared) {
        return {};
    }
    const QString numbers = tr("max abs error %1, relative %2 (tolerance %3)")
                                .arg(r.maxAbs, 0, 'g', 3)
                                .arg(r.relative, 0, 'g', 3)
                                .arg(r.tolerance, 0, 'g', 3);
    return r.passed ? tr("PASS: %1").arg(numbers) : tr("FAIL: %1").arg(numbers);
}

} // namespace accel::ui
