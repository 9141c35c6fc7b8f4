#pragma once

#include "model/ModelRunController.h"

#include <QCoreApplication>
#include <QString>

namespace accel {
struct PoolHostInfo;
struct TokenIds;
} // namespace accel

namespace accel::ui {

/// The Model panel's translated texts for core values (host snapshots, token-input errors, run
/// refusals and reports), kept apart from the widget wiring. Pure functions of their arguments.
class ModelRunText
{
    Q_DECLARE_TR_FUNCTIONS(ModelRunText)
public:
    /// "id (kind) · state · health N[ · breaker X]" for the host combo.
    static QString hostLabel(const PoolHostInfo &info);
    /// "N token(s)" when valid, else what is wrong with the input.
    static QString tokenMessage(const TokenIds &tokens);
    static QString refusal(ModelRunController::Refusal refusal, const QString &detail);
    /// Backend (with the probe timings when auto), deploy, run and next-token lines; one per line.
    static QString reportLines(const ModelRunController::RunReport &report);
    /// "PASS: ..." / "FAIL: ..." with the errors and tolerance; empty before the comparison.
    static QString checkLine(const ModelRunController::RunReport &report);
};

} // namespace accel::ui
